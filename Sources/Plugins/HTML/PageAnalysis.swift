import CLibXML2
import ETLKit
import ETLText
import Foundation

/// One pass over a libxml2 document: every element's place and hint, every run of text as a block
/// owned by its nearest block-level element, and the page's metadata.
///
/// Text is built as bytes and turned into a `String` once per block (the notes measured a `String`
/// per text node as 10% slower, and `Character`-level work as 3× slower). U+200C is not white space
/// and passes through untouched.
package struct PageAnalysis {
    /// An element the walk entered.
    package struct Element {
        package var parent: Int32
        package var tag: HTMLTag
        package var hint: ClassHint
        /// `class` and `id`, ASCII-lower-cased bytes (kept as bytes: a `String` per element cost time).
        package var names: [UInt8]
        /// Characters of text in blocks below, and how many of them are inside links.
        package var characters = 0
        package var linkCharacters = 0
        /// The share of that text inside links; 0 for an element without text (which holds no prose,
        /// so no rule that reads this ever takes it).
        package var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }
        /// Navigation, an aside, a footer, or an element named like chrome that holds a small share
        /// of the page's text (decided after the walk; see ``markChrome()``).
        package var isChrome = false
        /// A header, footer, navigation or aside removed with its content (see ``removeSmallPageRegions()``).
        package var isRemovedRegion = false
        /// Named like the page's header, or like comments (for ``PageMetadata/lineRegions``).
        package var namesHeader = false
        package var namesComments = false
    }

    /// A run of text between block boundaries.
    package struct Block {
        /// Index of the block-level element that holds the text.
        package var element: Int32
        package var kind: ContentBlock.Kind
        package var text: String
        package var characters: Int
        package var linkCharacters: Int
        /// Separators (commas and the like) in the text: a sign of prose.
        package var separators: Int
        /// The removed element (header, figure, form control, …) the text sits in, if any: such text
        /// is never content, but extractors read its short lines (dates, news codes in headers).
        package var removedBy: HTMLTag?
        /// A notice for browsers without scripts ("Please enable JavaScript"): text inside a
        /// `<noscript>` that names JavaScript. Other `<noscript>` text is read: blog platforms put
        /// the whole post there for readers without scripts.
        package var isScriptNotice = false
        /// A PHP error message printed into the page ("Warning: Use of undefined constant … on line 42").
        package var isServerMessage = false
        /// A data table's rows of cells (see ``groupDataTables()``); nil for other blocks.
        package var rows: [[String]]?
        /// Its links: a range of ``PageAnalysis/links`` (see ``PageAnalysis/contentLinks(of:)``).
        package var linkRange: Range<Int32> = 0..<0
        /// Inside a reader's comment that ``CommentSection`` found: never content.
        package var isComment = false

        package var linkDensity: Double { characters == 0 ? 0 : Double(linkCharacters) / Double(characters) }

        /// A list item with a link whose text is cut off with an ellipsis: a teaser of another page
        /// (a headline and the first words of its story), however long.
        package var isTeaser: Bool {
            kind == .listItem && linkCharacters > 0 && (text.hasSuffix("...") || text.hasSuffix("…"))
        }
    }

    /// A link in a block's text: UTF-8 offsets into the text, and where its `href` is in ``hrefs``.
    package struct LinkSpan {
        package var start: Int32
        package var end: Int32
        package var hrefStart: Int32
        package var hrefEnd: Int32
    }

    /// The links of every block, each block's together (``Block/linkRange``), and their targets'
    /// bytes one after another: strings are made only for the links of kept blocks (most links
    /// are menus), and a page's hundreds of links cost no allocation each.
    package var links: [LinkSpan] = []
    package var hrefs: [UInt8] = []

    package var elements: [Element] = [Element(parent: -1, tag: .other, hint: .none, names: [])]
    package var blocks: [Block] = []
    package var metadata = PageMetadata()
    /// The libxml2 node of each element, index for index (nil for the root placeholder), for
    /// ``CommentSection``: valid only while the document lives (``parsing(_:url:profiles:classPatterns:)``
    /// empties it before the document is freed).
    package var nodes: [xmlNodePtr?] = [nil]
    /// Elements named like readers' comments (`comments`, `kommentare`, `nazarat`), outside
    /// `<html>` and `<body>`: where ``CommentSection`` looks for comment lists.
    package var commentContainers: [Int32] = []

    /// An `<img>` that may be a picture of the article: its element and its source as written.
    package struct Image {
        package var element: Int32
        package var source: String
    }
    /// The page's images that may be the article's, in document order (see ``imageSource(_:)``):
    /// ``ContentSelection/images(of:keptElements:)`` keeps those of the main content.
    package var images: [Image] = []

    // Metadata found during the walk, with the element it came from, kept once chrome is known.
    private var headings: [(Int32, String)] = []
    private var kickers: [(Int32, String)] = []
    private var summaries: [(Int32, String)] = []
    private var times: [(Int32, String)] = []
    private var tagLists: [(Int32, [String])] = []

    // Walk state.
    private var buffer: [UInt8] = []
    private var bufferCharacters = 0
    private var bufferLinkCharacters = 0
    private var bufferSeparators = 0
    private var pendingSpace = false
    /// Links of the text being gathered, and how many times a block was ended (a link's byte range
    /// holds only while no block ends inside it).
    private var pendingLinkStart = 0
    private var flushes = 0

    /// The profiles to look for, and the first whose class or id marker the walk met.
    private let profiles: [SiteProfile]
    /// The class names read so far, with what they say (``ClassHint/Memo``).
    private var classReadings: ClassHint.Memo
    package private(set) var markedProfile: Int?
    /// Whether elements nest deeper than ``HTMLParsing/maxDepth``: the walk stopped there, and the
    /// page is refused (other code walks the same tree recursively, skipped subtrees included).
    package private(set) var isTooDeep = false

    /// Analyses a parsed document, looking for the markers of `profiles` on the way; `classPatterns`
    /// is ``SiteProfile/classPatterns(for:)`` of them, built once by the caller rather than per page.
    package init(document: htmlDocPtr, profiles: [SiteProfile] = [], classPatterns: ClassHint.Patterns? = nil) {
        self.profiles = profiles
        classReadings = ClassHint.Memo(patterns: classPatterns ?? SiteProfile.classPatterns(for: profiles))
        buffer.reserveCapacity(4096)
        guard let root = xmlDocGetRootElement(document) else { return }
        visit(root, parent: 0, owner: 0, context: Context())
        flush(owner: 0, context: Context())
        totalUpAncestors()
        groupDataTables()
        removeSmallPageRegions()
        markChrome()
        func kept(_ items: [(Int32, String)]) -> [String] {
            items.filter { !elements[Int($0.0)].isChrome }.map(\.1)
        }
        metadata.headings = kept(headings)
        metadata.kickers = kept(kickers)
        metadata.summaries = kept(summaries)
        metadata.times = kept(times)
        metadata.tagLinks = tagLists.first { isTagList($0.0) }?.1 ?? []
        var lines: [String] = []
        var regions: [LineRegion] = []
        var known = [(LineRegion, Bool)?](repeating: nil, count: elements.count)
        for block in blocks where block.characters <= 160 && block.removedBy != .title && !elements[Int(block.element)].isChrome {
            lines.append(block.text)
            regions.append(lineRegion(of: block.element, known: &known).0)
            if lines.count == 400 { break }
        }
        metadata.lines = lines
        metadata.lineRegions = regions
    }

    /// Whether an element named like tags is the article's tag list: not inside a sidebar or
    /// navigation (`<aside>`, `<nav>`) nor an element named like chrome that holds under a third of
    /// the page's text (a "popular tags" cloud, related stories). A `<footer>` inside the article
    /// (`<footer class="tags">`) is where many templates put the tags, so a footer does not count.
    private func isTagList(_ element: Int32) -> Bool {
        let total = max(1, elements.count > 1 ? elements[1].characters : 0)
        var index = element
        while index > 0 {
            let current = elements[Int(index)]
            if current.tag == .aside || current.tag == .nav { return false }
            if current.hint == .strongNegative && current.characters * 3 < total { return false }
            index = current.parent
        }
        return true
    }

    /// Where a short line sits, for date readers: the page's header (a removed `<header>`, or an
    /// element named header, masthead or topbar outside the article), readers' comments (an element
    /// named comment), or the content. Remembered per element in `known` (lines share their
    /// ancestors), with whether an `<article>` or `<main>` is above (a header there is the article's own).
    private func lineRegion(of element: Int32, known: inout [(LineRegion, Bool)?]) -> (LineRegion, Bool) {
        guard element > 0 else { return (.content, false) }
        if let cached = known[Int(element)] { return cached }
        let index = Int(element)
        let tag = elements[index].tag
        let result: (LineRegion, Bool)
        if tag == .article || tag == .main {
            result = (.content, true)
        } else if elements[index].namesComments {
            result = (.comments, false)
        } else {
            let (above, article) = lineRegion(of: elements[index].parent, known: &known)
            let isHeader = !article && ((tag == .header && elements[index].isRemovedRegion) || elements[index].namesHeader)
            result = (above == .comments ? .comments : isHeader ? .header : above, article)
        }
        known[Int(element)] = result
        return result
    }

    /// Removes the header, footer, navigation and asides that hold under half of the page's prose,
    /// with everything in them, as the walk removes figures and forms. A `<header>` inside an
    /// `<article>` or `<main>` is the article's own (its title and standfirst) and stays. A region
    /// that holds more is a wrapper that libxml2 made out of a tag left open (`<header>` around the
    /// whole page): its text stays and competes as any other. Prose, not all text: a mega-menu holds more text than many
    /// articles, all of it links.
    private mutating func removeSmallPageRegions() {
        var prose = [Int](repeating: 0, count: elements.count)
        for block in blocks where block.removedBy == nil && block.characters >= 25 && block.linkDensity < 0.5 {
            var ancestor = block.element
            while ancestor >= 0 {
                prose[Int(ancestor)] += block.characters
                ancestor = elements[Int(ancestor)].parent
            }
        }
        let total = prose[0]
        // The region each element is removed with, if any (a parent comes before its children).
        var removedWith = [HTMLTag?](repeating: nil, count: elements.count)
        // Inside an <article> or <main>: a <header> there is the article's own (title, standfirst).
        var inArticle = [Bool](repeating: false, count: elements.count)
        // Fields are read one by one: copying an element copies its names (a retain and a release).
        for index in elements.indices.dropFirst() {
            let parent = Int(elements[index].parent)
            let tag = elements[index].tag
            let parentInArticle = inArticle[parent]
            inArticle[index] = parentInArticle || tag == .article || tag == .main
            if let inherited = removedWith[parent] {
                removedWith[index] = inherited
            } else if tag.isPageRegion && prose[index] * 2 <= total && !(tag == .header && parentInArticle) {
                removedWith[index] = tag
                elements[index].isRemovedRegion = true
                // Its text no longer counts for the elements around it.
                let (characters, linkCharacters) = (elements[index].characters, elements[index].linkCharacters)
                var ancestor = parent
                while ancestor >= 0 {
                    elements[ancestor].characters -= characters
                    elements[ancestor].linkCharacters -= linkCharacters
                    ancestor = Int(elements[ancestor].parent)
                }
            }
        }
        for index in blocks.indices where blocks[index].removedBy == nil {
            blocks[index].removedBy = removedWith[Int(blocks[index].element)]
        }
    }

    /// Decides which elements are chrome, top-down (a parent comes before its children). A name like
    /// `sidebar` or `social` marks chrome only when the element holds under a third of the page's
    /// text: `<body class="one-sidebar">` and `div.content-with-sidebar` wrap the article itself.
    private mutating func markChrome() {
        let total = max(1, elements.count > 1 ? elements[1].characters : 0)
        for index in elements.indices.dropFirst() {
            let parent = elements[index].parent
            let parentIsChrome = parent > 0 && elements[Int(parent)].isChrome
            // Small ones were removed; a wrapper made of an unclosed tag is not chrome.
            let structural = elements[index].isRemovedRegion && elements[index].tag != .header
            let named = elements[index].hint == .strongNegative && elements[index].characters * 3 < total
            elements[index].isChrome = parentIsChrome || structural || named
        }
    }

    /// What holds for a subtree.
    private struct Context {
        var inLink = false
        /// The removed element (header, figure, …) this subtree is in: its text is not content.
        var removedBy: HTMLTag?
        /// Inside an element already taken as a summary or kicker.
        var inSummary = false
        var inNoscript = false
        /// Levels of elements from the root down to this one (the root is 1).
        var depth = 0
    }

    /// Checks the depth of a subtree the walk does not enter (hidden, scripts, a form's options):
    /// other code may enter it, so it must be no deeper than the walk allows either.
    private mutating func checkDepth(below node: xmlNodePtr, at depth: Int) {
        guard node.pointee.children != nil, !isTooDeep else { return }
        if depth - 1 + HTMLParsing.depth(below: node) > HTMLParsing.maxDepth { isTooDeep = true }
    }

    private mutating func visit(_ node: xmlNodePtr, parent: Int32, owner: Int32, context inherited: Context) {
        var context = inherited
        context.depth += 1
        // Deeper than the walk may recurse: the page is refused (see HTMLParsing.withDocument).
        guard context.depth <= HTMLParsing.maxDepth else {
            isTooDeep = true
            return
        }
        let tag = HTMLTag(name: node.pointee.name)
        // Subtrees never read and carrying no metadata (icons, menus of options, styles): skipped
        // before their attributes are read, hidden or not (an SVG icon's paths carry dozens).
        if tag.isSkippedUnread { return checkDepth(below: node, at: context.depth) }
        let attributes = Attributes(node: node)
        if attributes.isHidden { return checkDepth(below: node, at: context.depth) }

        let index = Int32(elements.count)
        readMetadata(node: node, tag: tag, index: index)
        if tag == .script { return checkDepth(below: node, at: context.depth) }

        // Classes on <html> and <body> describe the whole page's layout ("one-sidebar"), not a part of it.
        let reading = classReadings.read(attributes.names)
        let hint = (tag == .html || tag == .body) ? .none : max(reading.hint, tag.impliedHint)
        // Page regions are removed after the walk, when their share of the text is known.
        if tag.isRemovedWithContent && !tag.isPageRegion && context.removedBy == nil { context.removedBy = tag }
        if !context.inSummary && !attributes.names.isEmpty {
            if reading.isKicker {
                appendIfPresent(text(of: node), at: index, to: &kickers)
                context.inSummary = true
            } else if reading.mayNameSummary && ClassHint.namesSummary(attributes.names) {
                appendIfPresent(text(of: node), at: index, to: &summaries)
                context.inSummary = true
            }
        }
        if metadata.breadcrumbs.isEmpty && reading.isBreadcrumb {
            metadata.breadcrumbs = Self.linkTexts(of: node)
        }
        if tag == .h1 {
            appendIfPresent(text(of: node), at: index, to: &headings)
        }
        // A few candidates: the first outside chrome is chosen once chrome is known.
        if reading.namesTags && tag != .html && tag != .body && tagLists.count < 8 {
            let texts = Self.linkTexts(of: node, asTags: true)
            if !texts.isEmpty && texts.count <= 40 && texts.allSatisfy({ $0.unicodeScalars.count <= 60 }) { tagLists.append((index, texts)) }
        }
        let leadsToAPage = tag == .a && Self.leadsToAPage(node)
        if leadsToAPage { context.inLink = true }
        if tag == .noscript { context.inNoscript = true }
        if markedProfile == nil && reading.mayMarkProfile {
            markedProfile = profiles.firstIndex { $0.isMarked(by: attributes.names) }
        }

        elements.append(
            Element(
                parent: parent, tag: tag, hint: hint, names: attributes.names,
                namesHeader: reading.namesHeader, namesComments: reading.namesComments))
        nodes.append(node)
        if (reading.namesComments || reading.namesCommentsElsewhere) && tag != .html && tag != .body { commentContainers.append(index) }
        if tag == .img && images.count < 1000, let source = Self.imageSource(node) { images.append(Image(element: index, source: source)) }
        var currentOwner = owner
        // A removed region's text must not run into the content around it: it is a block of its own.
        // So is an inline element named like chrome (`span.caption`), so that its name can drop it.
        // But a weakly named link inside running text (`…an der frischen <span class="keyword-link">
        // <a>Luft</a></span>.`) is a word of the sentence, not a label of its own: it stays in its block.
        let inRunningText = !tag.isBlock && hint == .weakNegative && bufferCharacters > 0 && (tag == .a || Self.wrapsLink(node))
        let startsBlock =
            tag.isBlock || tag.isPageRegion || (context.removedBy != nil && inherited.removedBy == nil) || (hint >= .weakNegative && !inRunningText)
        if startsBlock {
            flush(owner: owner, context: inherited)
            currentOwner = index
        }
        // Where the link's text starts in the block (after the space that joins it to the text before).
        var linkMark: (start: Int, flushes: Int, href: UnsafeBufferPointer<UInt8>)?
        if leadsToAPage && !inherited.inLink, let href = Self.href(of: node) {
            linkMark = (buffer.count + (pendingSpace && !buffer.isEmpty ? 1 : 0), flushes, href)
        }

        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                visit(current, parent: index, owner: currentOwner, context: context)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    append(text: content, inLink: context.inLink)
                }
            default:
                break
            }
            child = current.pointee.next
        }
        if let linkMark, linkMark.flushes == flushes, buffer.count > linkMark.start {
            let hrefStart = hrefs.count
            hrefs.append(contentsOf: linkMark.href)
            links.append(LinkSpan(start: Int32(linkMark.start), end: Int32(buffer.count), hrefStart: Int32(hrefStart), hrefEnd: Int32(hrefs.count)))
        }
        if startsBlock {
            flush(owner: currentOwner, context: context)
        }
    }

    /// An `<a>`'s `href`, trimmed (bytes of the document: valid while the walk is in the element);
    /// nil when it has none or it only jumps inside the page or runs a script.
    private static func href(of node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name, Attributes.name(name, is: "href"), let value = current.pointee.children?.pointee.content else {
                continue
            }
            // On the bytes: a page has hundreds of links, most of them menus.
            var start = 0
            while value[start] == 0x20 || value[start] == 0x0A || value[start] == 0x09 || value[start] == 0x0D { start += 1 }
            var end = start
            while value[end] != 0 { end += 1 }
            while end > start && (value[end - 1] == 0x20 || value[end - 1] == 0x0A || value[end - 1] == 0x09 || value[end - 1] == 0x0D) { end -= 1 }
            let bytes = UnsafeBufferPointer(start: value + start, count: end - start)
            if bytes.isEmpty || bytes[0] == UInt8(ascii: "#") { return nil }
            // Compared in place: a lower-cased copy was an allocation for nearly every link of a page.
            if bytes.count >= javascriptScheme.count
                && zip(bytes, javascriptScheme).allSatisfy({ ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == $1 })
            {
                return nil
            }
            return bytes
        }
        return nil
    }

    /// An `<img>`'s source (the `data-src` of a lazily loaded one, else `src`), or nil when it is no
    /// picture of an article: an inline `data:` image, an icon or a spacer (a width or height under
    /// 60), or a picture inside a link to another page (a teaser's thumbnail, an advertisement); a
    /// link to the picture's own larger file (`<a href="big.jpg">`) does not count.
    private static func imageSource(_ node: xmlNodePtr) -> String? {
        // One pass over the attributes, on their bytes: a page has hundreds of pictures (icons,
        // avatars, pixels), and looking each attribute up by name as a string cost 1.5% of a page's
        // cleaning. A lazily loaded picture's `src` is a placeholder (a grey GIF) until a script
        // swaps in the real one: `data-src`, then `data-lazy-src`, then `data-original` win over it.
        var lazy: (rank: Int, value: UnsafeBufferPointer<UInt8>)?
        var plain: UnsafeBufferPointer<UInt8>?
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name, let value = current.pointee.children?.pointee.content else { continue }
            if Attributes.name(name, is: "src") {
                if plain == nil { plain = trimmed(value) }
            } else if Attributes.name(name, is: "width") || Attributes.name(name, is: "height") {
                if let size = integer(trimmed(value)), size < 60 { return nil }
            } else {
                let rank =
                    Attributes.name(name, is: "data-src")
                    ? 0 : Attributes.name(name, is: "data-lazy-src") ? 1 : Attributes.name(name, is: "data-original") ? 2 : nil
                if let rank, rank < lazy?.rank ?? 3 {
                    let bytes = trimmed(value)
                    if !bytes.isEmpty { lazy = (rank, bytes) }
                }
            }
        }
        guard let bytes = lazy?.value ?? plain, !bytes.isEmpty, !bytes.starts(with: dataScheme) else { return nil }
        var ancestor = node.pointee.parent
        for _ in 0..<4 {
            guard let current = ancestor, current.pointee.type == XML_ELEMENT_NODE else { break }
            if HTMLTag(name: current.pointee.name) == .a {
                guard let href = attributeValue("href", of: current), !href.isEmpty else { break }
                // The path: up to the query. On the bytes, as the attributes above.
                let path = UnsafeBufferPointer(rebasing: href[..<(href.firstIndex(of: UInt8(ascii: "?")) ?? href.endIndex)])
                let picture = pictureExtensions.contains { ending in
                    path.count >= ending.count
                        && zip(path.suffix(ending.count), ending).allSatisfy { ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == $1 }
                }
                return picture ? String(decoding: bytes, as: UTF8.self) : nil
            }
            ancestor = current.pointee.parent
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether an `<a>` leads to a page, for link density. A named anchor without an `href`
    /// (`<a name="question-3">…</a>`, a target to jump to) and an e-mail address or phone number
    /// (`mailto:`, `tel:`, the address to write to) are text. (An `<a>` with neither name nor href
    /// is a button run by a script: "Replay", "Next".)
    private static func leadsToAPage(_ node: xmlNodePtr) -> Bool {
        var attribute = node.pointee.properties
        var isNamed = false
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name else { continue }
            if Attributes.name(name, is: "name") { isNamed = true }
            guard Attributes.name(name, is: "href"), let value = current.pointee.children?.pointee.content else { continue }
            var start = 0
            while value[start] == 0x20 || value[start] == 0x0A || value[start] == 0x09 { start += 1 }
            func hasPrefix(_ prefix: StaticString) -> Bool {
                let bytes = prefix.utf8Start
                for offset in 0..<prefix.utf8CodeUnitCount {
                    let byte = value[start + offset]
                    if byte == 0 || (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != bytes[offset] { return false }
                }
                return true
            }
            return !hasPrefix("mailto:") && !hasPrefix("tel:")
        }
        return !isNamed
    }

    /// Whether an element's content is one link and nothing else (`<span class="tag"><a>…</a></span>`).
    private static func wrapsLink(_ node: xmlNodePtr) -> Bool {
        var found = false
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                guard !found, HTMLTag(name: current.pointee.name) == .a else { return false }
                found = true
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                guard let content = current.pointee.content else { continue }
                var index = 0
                while content[index] != 0 {
                    let byte = content[index]
                    if !(byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D) { return false }
                    index += 1
                }
            default:
                continue
            }
        }
        return found
    }

    private func appendIfPresent(_ text: String, at index: Int32, to list: inout [(Int32, String)]) {
        if !text.isEmpty { list.append((index, text)) }
    }

    /// Appends a text node's bytes to the current block, folding white space (ASCII white space and
    /// no-break space) into single spaces.
    private mutating func append(text: UnsafePointer<UInt8>, inLink: Bool) {
        // Runs of non-space bytes are copied whole: appending byte by byte checked the buffer's
        // uniqueness and capacity at every byte. The counts are kept in locals and added at the end.
        let count = strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))
        var index = 0
        var runStart = 0
        var characters = 0
        var separators = 0
        var pending = pendingSpace
        func flushRun(upTo end: Int) {
            guard end > runStart else { return }
            buffer.append(contentsOf: UnsafeBufferPointer(start: text + runStart, count: end - runStart))
        }
        while index < count {
            let byte = text[index]
            // Letters, digits and ASCII punctuation other than `,` and `;`: most bytes of most pages,
            // told apart with one range check before the rarer cases below; after one, the bytes
            // that follow are tried eight at a time (words of Latin-script text).
            if byte &- 0x21 < 0x5F && byte != 0x2C && byte != 0x3B {
                if pending {
                    if !buffer.isEmpty {
                        buffer.append(0x20)
                        characters += 1
                    }
                    pending = false
                }
                characters += 1
                index += 1
                while index + 8 <= count && Self.isOrdinary(UnsafeRawPointer(text + index).loadUnaligned(as: UInt64.self)) {
                    characters += 8
                    index += 8
                }
                continue
            }
            var spaceLength = 0
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
                spaceLength = 1
            } else if byte == 0xC2 && text[index + 1] == 0xA0 {
                spaceLength = 2
            }
            if spaceLength > 0 {
                flushRun(upTo: index)
                pending = true
                index += spaceLength
                runStart = index
                continue
            }
            if pending {
                if !buffer.isEmpty {
                    buffer.append(0x20)
                    characters += 1
                }
                pending = false
            }
            if byte & 0xC0 != 0x80 { characters += 1 }
            // , ، ， 、 ; ؛ : prose punctuation.
            if byte == 0x2C || byte == 0x3B {
                separators += 1
            } else if byte == 0xD8 && (text[index + 1] == 0x8C || text[index + 1] == 0x9B) {
                separators += 1
            } else if byte == 0xEF && text[index + 1] == 0xBC && text[index + 2] == 0x8C {
                separators += 1
            } else if byte == 0xE3 && text[index + 1] == 0x80 && text[index + 2] == 0x81 {
                separators += 1
            }
            index += 1
        }
        flushRun(upTo: index)
        pendingSpace = pending
        bufferCharacters += characters
        if inLink { bufferLinkCharacters += characters }
        bufferSeparators += separators
    }

    /// Whether eight bytes are all ``append(text:inLink:)``'s ordinary ones (0x21–0x7F other than
    /// `,` and `;`), tested together: no byte has its high bit set, none is under 0x21, and none
    /// equals either separator (the usual "has a zero byte" test on the word XORed with it).
    @inline(__always)
    private static func isOrdinary(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
        return word & highs == 0 && (word &- 0x2121_2121_2121_2121) & highs == 0
            && !hasZeroByte(word ^ 0x2C2C_2C2C_2C2C_2C2C) && !hasZeroByte(word ^ 0x3B3B_3B3B_3B3B_3B3B)
    }

    /// Ends the current block, giving its text to `owner`.
    private mutating func flush(owner: Int32, context: Context) {
        defer {
            buffer.removeAll(keepingCapacity: true)
            pendingLinkStart = links.count
            flushes += 1
            bufferCharacters = 0
            bufferLinkCharacters = 0
            bufferSeparators = 0
            pendingSpace = false
        }
        guard bufferCharacters > 0 else { return dropPendingLinks() }
        var end = buffer.count
        while end > 0 && buffer[end - 1] == 0x20 {
            end -= 1
            bufferCharacters -= 1
        }
        guard end > 0 else { return dropPendingLinks() }
        let tag = elements[Int(owner)].tag
        let isScriptNotice = context.inNoscript && ByteSearch.contains(ByteSearch.asciiLowercased(buffer[..<end]), Self.javascript)
        let isServerMessage = Self.serverMessagePrefixes.contains { buffer.starts(with: $0) } && ByteSearch.contains(Array(buffer[..<end]), Self.onLine)
        blocks.append(
            Block(
                element: owner, kind: tag.blockKind, text: String(decoding: buffer[..<end], as: UTF8.self),
                characters: bufferCharacters, linkCharacters: min(bufferLinkCharacters, bufferCharacters),
                separators: bufferSeparators, removedBy: context.removedBy, isScriptNotice: isScriptNotice,
                isServerMessage: isServerMessage, linkRange: Int32(pendingLinkStart)..<Int32(links.count)))
        // Counted on the owner; ``totalUpAncestors()`` adds them up the tree after the walk (for link
        // density of containers). Removed text does not count.
        if context.removedBy == nil && !isScriptNotice {
            elements[Int(owner)].characters += bufferCharacters
            elements[Int(owner)].linkCharacters += min(bufferLinkCharacters, bufferCharacters)
        }
    }

    /// Gives every element the characters of the blocks below it, from the counts ``flush(owner:context:)``
    /// left on their owners: one pass from the last element back, each adding its total to its
    /// parent's (a parent comes before its children). Walking each block's ancestor chain instead
    /// cost some 3% of the walk on deep pages.
    private mutating func totalUpAncestors() {
        elements.withUnsafeMutableBufferPointer { elements in
            for index in stride(from: elements.count - 1, to: 0, by: -1) {
                let parent = Int(elements[index].parent)
                guard parent >= 0 else { continue }
                elements[parent].characters += elements[index].characters
                elements[parent].linkCharacters += elements[index].linkCharacters
            }
        }
    }

    /// Forgets the links of text that makes no block.
    private mutating func dropPendingLinks() {
        guard pendingLinkStart < links.count else { return }
        hrefs.removeSubrange(Int(links[pendingLinkStart].hrefStart)...)
        links.removeSubrange(pendingLinkStart...)
    }

    /// The links of a block with their texts and targets as written, for a block that is kept.
    package func contentLinks(of block: Block) -> [ContentLink] {
        guard !block.linkRange.isEmpty else { return [] }
        let bytes = Array(block.text.utf8)
        return block.linkRange.compactMap { index in
            let span = links[Int(index)]
            let start = Int(span.start)
            let end = min(Int(span.end), bytes.count)
            guard start >= 0, start < end else { return nil }
            let linkText = String(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
            let href = String(decoding: hrefs[Int(span.hrefStart)..<Int(span.hrefEnd)], as: UTF8.self)
            return linkText.isEmpty ? nil : ContentLink(text: linkText, href: href)
        }
    }

    private static let javascript = Array("javascript".utf8)
    private static let javascriptScheme = Array("javascript:".utf8)
    private static let dataScheme = Array("data:".utf8)
    private static let pictureExtensions = [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"].map { Array($0.utf8) }

    /// The trimmed bytes of an element's attribute (valid while the document lives), or nil.
    private static func attributeValue(_ name: StaticString, of node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            if let attributeName = current.pointee.name, Attributes.name(attributeName, is: name) {
                guard let value = current.pointee.children?.pointee.content else { return nil }
                return trimmed(value)
            }
        }
        return nil
    }

    /// A NUL-terminated attribute value without the white space at its ends (as `trimmingWhitespace`).
    private static func trimmed(_ value: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }
        var start = 0
        while value[start] != 0 && isSpace(value[start]) { start += 1 }
        var end = start
        while value[end] != 0 { end += 1 }
        while end > start && isSpace(value[end - 1]) { end -= 1 }
        return UnsafeBufferPointer(start: value + start, count: end - start)
    }

    /// The whole of `bytes` read as a decimal integer with an optional sign (as `Int(_:)` reads
    /// it), or nil.
    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var digits = bytes[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return negative ? -value : value
    }
    private static let serverMessagePrefixes = ["Warning: ", "Notice: ", "Deprecated: ", "Fatal error: ", "Parse error: ", "Strict Standards: "].map {
        Array($0.utf8)
    }
    private static let onLine = Array(" on line ".utf8)
    private static let ldJSON = Array("ld+json".utf8)

    /// Reads what an element says about the page: meta tags, canonical link, title, JSON-LD, times, language.
    private mutating func readMetadata(node: xmlNodePtr, tag: HTMLTag, index: Int32) {
        switch tag {
        case .meta:
            let attributes = MetadataAttributes(node: node, tag: tag)
            if let name = attributes.metaName, let content = attributes.content {
                metadata.metaTags.append((name: name.lowercased(), content: Self.fold(content)))
            }
        case .link:
            let attributes = MetadataAttributes(node: node, tag: tag)
            if let rel = attributes.rel, Self.isCanonical(rel: rel), let href = attributes.href {
                metadata.canonicalURL = metadata.canonicalURL ?? href.trimmingWhitespace()
            }
        case .title:
            if metadata.titleElement == nil { metadata.titleElement = text(of: node) }
        case .html:
            metadata.language = MetadataAttributes(node: node, tag: tag).lang
        case .script:
            // Bytes, not `String.contains`: Foundation's goes through NSString, at some 10 µs a call.
            if let type = MetadataAttributes(node: node, tag: tag).type, ByteSearch.contains(Array(type.lowercased().utf8), Self.ldJSON) {
                metadata.jsonLD.append(rawText(of: node))
            }
        case .time:
            if let datetime = MetadataAttributes(node: node, tag: tag).datetime, !datetime.isEmpty { times.append((index, datetime)) }
        default:
            break
        }
    }

    /// Whether a `<link>`'s `rel` holds the token "canonical" (tokens split at spaces, any case),
    /// read on its bytes: pages carry dozens of `<link>`s (styles, preloads, icons), and lower-casing
    /// and splitting each one's `rel` into strings was 0.3% of a page's cleaning.
    private static func isCanonical(rel: String) -> Bool {
        rel.utf8.split(separator: 0x20).contains { token in
            token.count == canonical.count && zip(token, canonical).allSatisfy { ($0 &- 0x41 < 26 ? $0 | 0x20 : $0) == $1 }
        }
    }

    private static let canonical = Array("canonical".utf8)

    /// The folded text of an element's subtree (scripts and styles left out).
    private func text(of node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        Self.collectText(node, into: &bytes)
        return Self.fold(String(decoding: bytes, as: UTF8.self))
    }

    /// The unfolded text of an element's subtree (for JSON-LD, whose strings may hold newlines).
    private func rawText(of node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        Self.collectText(node, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The folded texts of the links below an element, in order.
    /// The texts of the links below `node`. For a tag list (`asTags`), links that lead nowhere
    /// (`href="#"`, a script: "Show more") are controls and are left out, and a hashtag's `#` is dropped.
    private static func linkTexts(of node: xmlNodePtr, asTags: Bool = false) -> [String] {
        var texts: [String] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                if HTMLTag(name: current.pointee.name) == .a {
                    if asTags {
                        let href = XMLParsing.attribute("href", of: current)?.lowercased() ?? ""
                        if href.isEmpty || href.hasPrefix("#") || href.hasPrefix("javascript:") {
                            child = current.pointee.next
                            continue
                        }
                    }
                    var bytes: [UInt8] = []
                    collectText(current, into: &bytes)
                    var text = fold(String(decoding: bytes, as: UTF8.self))
                    if asTags && text.hasPrefix("#") { text = String(text.dropFirst()).trimmingWhitespace() }
                    if !text.isEmpty { texts.append(text) }
                } else {
                    texts += linkTexts(of: current, asTags: asTags)
                }
            }
            child = current.pointee.next
        }
        return texts
    }

    private static func collectText(_ node: xmlNodePtr, into bytes: inout [UInt8]) {
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    // Appended whole (JSON-LD scripts run to tens of kilobytes): byte by byte, the
                    // array's capacity was checked at every byte.
                    bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))))
                }
            case XML_ELEMENT_NODE:
                let tag = HTMLTag(name: current.pointee.name)
                if tag == .br || tag.isBlock { bytes.append(0x20) }
                if tag != .script && tag != .style { collectText(current, into: &bytes) }
                if tag.isBlock { bytes.append(0x20) }
            default:
                break
            }
            child = current.pointee.next
        }
    }

    /// Folds runs of white space into single spaces and trims the ends. U+200C and U+200D are not
    /// white space and stay. (Explicit ranges: `Unicode.Scalar.Properties.isWhitespace` is a table
    /// look-up that cost 6% of extraction time when measured.)
    ///
    /// Works on the UTF-8 bytes (the spaces of ``isSpace(_:)`` as their byte sequences): building a
    /// string scalar by scalar cost several times more, and every text of the page passes here.
    package static func fold(_ text: String) -> String {
        var text = text
        let folded = text.withUTF8 { bytes -> String? in
            // Most texts (meta contents, link texts) have nothing to fold: one pass says so, and the
            // text is returned as it is.
            var index = 0
            var afterSpace = true  // a space at the start is folded away
            while index < bytes.count {
                let length = spaceLength(bytes, at: index)
                if length == 0 {
                    afterSpace = false
                    index += 1
                    continue
                }
                if afterSpace || length > 1 || bytes[index] != 0x20 || index + 1 == bytes.count { break }
                afterSpace = true
                index += 1
            }
            guard index < bytes.count else { return nil }
            // Runs between spaces are copied whole.
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            var runStart = 0
            index = 0
            while index < bytes.count {
                let length = spaceLength(bytes, at: index)
                if length > 0 {
                    if runStart < index {
                        if pendingSpace && !output.isEmpty { output.append(0x20) }
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    }
                    pendingSpace = true
                    index += length
                    runStart = index
                    continue
                }
                index += 1
            }
            if runStart < bytes.count {
                if pendingSpace && !output.isEmpty { output.append(0x20) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
            return String(decoding: output, as: UTF8.self)
        }
        return folded ?? text
    }

    /// The length of the UTF-8 sequence of an ``isSpace(_:)`` character at `index`, or 0.
    @inline(__always)
    private static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = bytes[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
        guard index + 1 < bytes.count else { return 0 }
        let second = bytes[index + 1]
        if byte == 0xC2 { return second == 0xA0 ? 2 : 0 }  // U+00A0
        guard index + 2 < bytes.count, byte >= 0xE1, byte <= 0xE3 else { return 0 }
        let third = bytes[index + 2]
        switch (byte, second) {
        case (0xE1, 0x9A): return third == 0x80 ? 3 : 0  // U+1680
        case (0xE2, 0x80): return (0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0  // U+2000–200A, 2028, 2029, 202F
        case (0xE2, 0x81): return third == 0x9F ? 3 : 0  // U+205F
        case (0xE3, 0x80): return third == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    /// ASCII white space, no-break space, and the Unicode space separators.
    package static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

import ETLKit

/// Chooses the main content among a page's blocks, by text and link density.
///
/// In the manner of Readability: every block of prose (long enough, few links) scores its container
/// and, less, the containers above; a container's score is discounted by its own link density and
/// nudged by its class and id. The best container wins, with the siblings that score close to it
/// (articles split across several `<div>`s). Inside the chosen region, blocks that are mostly links,
/// and blocks inside chrome-named elements, are dropped.
package struct ContentSelection {
    /// How eagerly to keep borderline blocks.
    package enum Favor: String, Sendable, CaseIterable {
        case precision, balanced, recall
    }

    package var favor: Favor = .balanced

    package init(favor: Favor = .balanced) {
        self.favor = favor
    }

    /// The blocks of the main content, in document order.
    package func select(from analysis: PageAnalysis) -> [ContentBlock] {
        decide(analysis, explaining: false).filter(\.kept).map(\.block)
    }

    /// Every block of the page with what was done with it and why; without `explaining`, the
    /// reasons are left empty (writing one for every block of every page cost a few per cent).
    package func decide(_ analysis: PageAnalysis, explaining: Bool = true) -> [BlockDecision] {
        var decisions = chooseAndJudge(analysis, explaining: explaining)
        Self.dropTrailingHeadings(&decisions, explaining: explaining)
        LinkedDataBody.apply(to: &decisions, jsonLD: analysis.metadata.jsonLD, explaining: explaining)
        return decisions
    }

    /// The sources of the main content's images, in document order: those inside the element that
    /// holds every kept block, and those in the siblings before it (the picture above the lead, between
    /// the headline and the text: `div.news-image` beside `div.body`), unless the parent is `<body>`
    /// (the siblings before would be the page's header). An image under an element named like chrome
    /// or page furniture on the way (`ad`, `date`, `related`, a sidebar) is not the article's.
    package static func images(of analysis: PageAnalysis, keptElements: [Int32]) -> [String] {
        let elements = analysis.elements
        guard !analysis.images.isEmpty, var root = keptElements.first else { return [] }
        // The lowest common ancestor of the kept blocks.
        for element in keptElements.dropFirst() { root = elements.commonAncestor(of: root, and: element) }
        guard root > 1 else { return [] }
        let parent = elements[Int(root)].parent
        let parentTag = elements[Int(parent)].tag
        let top = parent > 1 && parentTag != .body && parentTag != .html && !elements[Int(parent)].isChrome ? parent : root
        // A subtree is the run of elements after it whose parents are in it (document order).
        var end = Int(root) + 1
        while end < elements.count && elements.element(Int32(end), isInside: root) { end += 1 }
        return analysis.images.compactMap { image in
            let index = Int(image.element)
            guard index < end, elements.element(image.element, isInside: top) else { return nil }
            var ancestor = elements[index].parent
            while ancestor != top && ancestor > 0 {
                let element = elements[Int(ancestor)]
                if element.isChrome || element.hint >= .weakNegative { return nil }
                ancestor = element.parent
            }
            return image.source
        }
    }

    /// A heading that closes the main content, with nothing kept after it, introduced what was
    /// dropped: the list of related stories, the newsletter form, the readers' comments ("Mehr zum
    /// Thema", "Ezek is érdekelhetnek", "Weitere Tourentipps in Schweden"). Such headings are dropped
    /// from the end, one after another, as long as some other block stays. Long "headings" (80+
    /// characters) and those that end with a full stop are sentences set large (pull quotes), and stay.
    package static func dropTrailingHeadings(_ decisions: inout [BlockDecision], explaining: Bool) {
        var index = decisions.count - 1
        var trailing: [Int] = []
        while index >= 0 {
            let decision = decisions[index]
            index -= 1
            guard decision.kept else { continue }
            guard decision.block.kind == .heading, decision.block.text.unicodeScalars.count <= 80,
                decision.block.text.unicodeScalars.last != "."
            else {
                // Some other block stays: the headings after it go.
                for heading in trailing {
                    decisions[heading].kept = false
                    if explaining { decisions[heading].reason = "a heading at the end of the content, with nothing kept after it" }
                }
                return
            }
            trailing.append(index + 1)
        }
    }

    private func chooseAndJudge(_ analysis: PageAnalysis, explaining: Bool) -> [BlockDecision] {
        // Scores live beside the elements: writing them into the elements would copy the array
        // (and retain every element's names).
        let elements = analysis.elements
        var scores = [Double](repeating: 0, count: elements.count)
        let blocks = analysis.blocks
        let minimumCharacters = 25

        // Sections that open with a chrome-named heading ("Related posts"), and every element in one.
        let opensWithChromeHeading = sectionsOpeningWithChromeHeadings(blocks, elements)
        var inChromeHeadedSection = [Bool](repeating: false, count: elements.count)
        for index in elements.indices where index > 1 {
            // A parent comes before its children in the walk's order.
            let parent = Int(elements[index].parent)
            inChromeHeadedSection[index] = opensWithChromeHeading[index] || (parent > 1 && inChromeHeadedSection[parent])
        }

        // Characters of prose (the blocks that score) below each element.
        var prose = [Int](repeating: 0, count: elements.count)
        for block in blocks
        where block.characters >= minimumCharacters && block.linkDensity < 0.5 && block.removedBy == nil
            && !elements[Int(block.element)].isChrome && !block.isTeaser && !block.isScriptNotice && !block.isServerMessage && !block.isComment
        {
            // Prose under a chrome-named heading ("Related posts") counts for its section, not above.
            var ancestor = block.element
            while ancestor > 0 {
                prose[Int(ancestor)] += block.characters
                if opensWithChromeHeading[Int(ancestor)] { break }
                ancestor = elements[Int(ancestor)].parent
            }
            let points = 1.0 + Double(min(block.separators, 10)) + min(Double(block.characters) / 100.0, 3.0)
            // The element holding text directly counts as its own container when it is not a paragraph.
            var container = block.element
            let tag = elements[Int(container)].tag
            if tag == .p || tag == .li || tag == .td || tag == .th || tag == .tr || tag.blockKind == .heading || tag == .blockquote || tag == .pre || tag == .dd
                || tag == .dt
            {
                container = elements[Int(container)].parent
            }
            var level = 0
            while container > 0 && level < 5 {
                let divider = level == 0 ? 1.0 : level == 1 ? 2.0 : Double(level) * 3.0
                scores[Int(container)] += points / divider
                if opensWithChromeHeading[Int(container)] { break }
                container = elements[Int(container)].parent
                level += 1
            }
        }

        var best: Int32 = -1
        var bestScore = 0.0
        for index in elements.indices where scores[index] > 0 {
            var score = scores[index] * (1 - elements[index].linkDensity)
            switch elements[index].hint {
            case .positive: score *= 1.25
            case .weakNegative: score *= 0.75
            case .strongNegative: score *= 0.2
            case .none: break
            }
            // "Related posts" that repeat the article's markup under a chrome-named heading.
            if elements[index].hint < .weakNegative && inChromeHeadedSection[index] { score *= 0.2 }
            scores[index] = score
            if score > bestScore {
                bestScore = score
                best = Int32(index)
            }
        }
        guard best > 0 else {
            // No prose anywhere: keep what is not chrome.
            return blocks.map { block in
                let kept = !elements[Int(block.element)].isChrome && block.removedBy == nil && !block.isComment
                return BlockDecision(
                    block: Self.content(of: block, analysis, withLinks: kept), kept: kept,
                    reason: !explaining ? "" : kept ? "no main content found; not chrome" : "no main content found; inside chrome or a comment")
            }
        }

        // An article split into several containers (one per paragraph group) shows up as several good
        // candidates: when three or more come close to the best, their common ancestor is the article.
        let alternatives = elements.indices.filter { Int32($0) != best && scores[$0] >= bestScore * 0.75 }.map(Int32.init)
        if alternatives.count >= 3 {
            var ancestor = elements[Int(best)].parent
            while ancestor > 1 && elements[Int(ancestor)].tag != .body {
                let inside = alternatives.filter { elements.element($0, isInside: ancestor) }.count
                if inside >= 3 && !opensWithChromeHeading[Int(ancestor)] {
                    best = ancestor
                    break
                }
                ancestor = elements[Int(ancestor)].parent
            }
        }

        let firstChoice = best

        // An ancestor a few levels up that holds clearly more prose, and few links, holds more of the
        // article: paragraphs grouped in columns (`section > div.column > div > p`).
        var moved = true
        while moved {
            moved = false
            var ancestor = elements[Int(best)].parent
            for _ in 0..<3 {
                guard ancestor > 1, elements[Int(ancestor)].tag != .body else { break }
                let element = elements[Int(ancestor)]
                if Double(prose[Int(ancestor)]) > Double(prose[Int(best)]) * 1.5 && element.linkDensity < 0.35 && !element.isChrome {
                    best = ancestor
                    moved = true
                    break
                }
                ancestor = element.parent
            }
        }

        // A list is a part of an article, not one: a list that wins gives way to the element around
        // it when that holds more prose (steps of a recipe, points of a guide between paragraphs).
        while [.ul, .ol, .dl].contains(elements[Int(best)].tag) {
            let parent = elements[Int(best)].parent
            guard parent > 1, elements[Int(parent)].tag != .body, !elements[Int(parent)].isChrome,
                prose[Int(parent)] > prose[Int(best)], elements[Int(parent)].linkDensity < 0.35
            else { break }
            best = parent
        }

        // The <article> element around the choice is the article's own boundary: when it holds clearly
        // more prose than the choice (an intro, sections in containers of their own), it is taken.
        // Below that share it adds little but a byline and a standfirst, so the choice stays.
        var ancestor = elements[Int(best)].parent
        for _ in 0..<8 {
            guard ancestor > 1, elements[Int(ancestor)].tag != .body else { break }
            let element = elements[Int(ancestor)]
            if element.isChrome || inChromeHeadedSection[Int(ancestor)] { break }
            if element.tag == .article {
                if element.linkDensity < 0.35 && Double(prose[Int(ancestor)]) >= Double(prose[Int(best)]) * 1.15 { best = ancestor }
                break
            }
            ancestor = element.parent
        }

        // The chosen container and its siblings that look like more of the same: a good score, the
        // same class, or a paragraph of prose.
        var roots: Set<Int32> = [best]
        let parent = elements[Int(best)].parent
        if parent > 0 {
            let top = elements[Int(best)]
            for index in elements.indices where elements[index].parent == parent && Int32(index) != best {
                let sibling = elements[index]
                guard sibling.hint < .weakNegative, !sibling.isChrome, sibling.characters > 0 else { continue }
                // A tenth of the best score: a closing section of one paragraph beside six is still more of them.
                let scored = scores[index] >= bestScore * 0.1
                let alike = !top.names.isEmpty && sibling.names == top.names && scores[index] > 0
                let prose = sibling.tag == .p && sibling.characters > 80 && sibling.linkDensity < 0.25
                if (scored || alike || prose) && !opensWithChromeHeading[index] { roots.insert(Int32(index)) }
            }
        }

        // Templates that split an article into sections repeat the container's class: every other
        // element with exactly that class and some prose is more of the article, wherever it sits.
        // The first class is the component's name (`block-text` of `block-text block-text_initial-letter`).
        let chosenNames = elements[Int(firstChoice)].names.prefix { $0 != 0x20 }
        if !chosenNames.isEmpty {
            // Teasers of other stories reuse classes too, but hold a sentence or two, not a section.
            let enough = max(400, prose[Int(firstChoice)] / 5)
            for index in elements.indices
            where elements[index].names.prefix(while: { $0 != 0x20 }) == chosenNames && prose[index] >= enough && !elements[index].isChrome {
                if !roots.contains(where: { elements.element(Int32(index), isInside: $0) }) && !inChromeHeadedSection[index] {
                    roots.insert(Int32(index))
                }
            }
        }

        let mainContent = explaining ? describe(best, elements) : ""
        let chosen = judge(analysis, inside: roots, of: elements, explaining: explaining, scope: "the main content (\(mainContent))")
        // A small choice (a credit line, an author box, a consent notice that out-scored a short
        // article) is not trusted when the page holds clearly more clean text: that text is taken.
        let keptCharacters = Self.keptCharacters(chosen, blocks)
        let looksLikeChrome = elements[Int(best)].hint >= .weakNegative
        guard keptCharacters < Self.smallContent || looksLikeChrome else { return chosen }
        let why = looksLikeChrome ? "is named like page furniture" : "held \(keptCharacters) characters"
        let wider = judge(
            analysis, inside: [1], of: elements, explaining: explaining, scope: "the page without its boilerplate",
            fallback: "fell back from \(mainContent), which \(why), to the page without its boilerplate",
            excluding: inChromeHeadedSection)
        let widerCharacters = Self.keptCharacters(wider, blocks)
        // Chrome-like choices give way to any cleaner text that is longer; small ones to clearly more.
        if widerCharacters >= keptCharacters + (looksLikeChrome ? 1 : Self.smallContent / 2) { return wider }
        guard keptCharacters == 0 else { return chosen }
        // Nothing at all survived (a post that is one link to a PDF): the largest element named like
        // content is the article, links and all.
        var container: Int32 = -1
        for index in elements.indices
        where elements[index].hint == .positive && !elements[index].isChrome
            && !inChromeHeadedSection[index] && elements[index].characters > 0
        {
            if container < 0 || elements[index].characters > elements[Int(container)].characters { container = Int32(index) }
        }
        guard container > 0 else { return chosen }
        return judge(
            analysis, inside: [container], of: elements, explaining: explaining, scope: describe(container, elements),
            fallback: "nothing survived in \(mainContent) or the page without its boilerplate: took the largest element named like content",
            keepingLinks: true)
    }

    /// A paragraph of prose whose names are linked (a new spokesman, his former employer and its
    /// brands, each a link to its own page): a sentence, long and ending like one, is read as prose
    /// up to a link density of 0.8. Link lists and "Read more: <a>headline</a>" lines do not end
    /// with a full stop; a paragraph with no text of its own beside the links stays out.
    package static func isLinkedSentence(_ block: PageAnalysis.Block) -> Bool {
        guard block.kind == .paragraph || block.kind == .caption, block.characters >= 120, block.linkDensity <= 0.8 else { return false }
        guard let last = block.text.unicodeScalars.last else { return false }
        return last == "." || last == "!" || last == "?"
    }

    /// A teaser whose cut is marked by a link rather than an ellipsis: a sentence or two of another
    /// page with a link to read on at its very end ("… Seht selbst! Weiterlesen", "… erläutert
    /// Hintergründe. mehr", "… w Polsce. [czytaj więcej]"). The link's whole text must be one of
    /// ``BoilerplateLine/readOn``; a paragraph whose last words are a link to a source ("…, the
    /// agency said.") ends with other words. Paragraphs of a teaser's length only.
    package static func endsWithReadMore(_ block: PageAnalysis.Block, _ analysis: PageAnalysis) -> Bool {
        guard block.kind == .paragraph || block.kind == .listItem, block.characters <= 400, let last = block.linkRange.last else { return false }
        guard block.linkCharacters < block.characters else { return false }
        let span = analysis.links[Int(last)]
        let bytes = Array(block.text.utf8)
        let start = Int(span.start)
        let end = min(Int(span.end), bytes.count)
        guard start > 0, start < end else { return false }
        // Only marks after the link ("[więcej]", "Weiterlesen »").
        guard BoilerplateLine.foldedBytes(bytes[end...]).isEmpty else { return false }
        return BoilerplateLine.isReadOn(bytes[start..<end])
    }

    /// The characters of the blocks `decisions` keep.
    private static func keptCharacters(_ decisions: [BlockDecision], _ blocks: [PageAnalysis.Block]) -> Int {
        zip(decisions, blocks).reduce(0) { $0 + ($1.0.kept ? $1.1.characters : 0) }
    }

    /// Main content smaller than this many characters (a token body: a credit line, a date) is
    /// checked against the page's clean text.
    package static let smallContent = 200

    /// Each block kept or dropped, for content inside `roots`. `fallback`, when set, says that the
    /// page's text is taken because the chosen content was too small: chrome is then dropped by
    /// what the walk marked, since no container vouches for the blocks.
    private func judge(
        _ analysis: PageAnalysis, inside roots: Set<Int32>, of elements: [PageAnalysis.Element],
        explaining: Bool, scope: @autoclosure () -> String, fallback: String? = nil,
        excluding excluded: [Bool] = [], keepingLinks: Bool = false
    ) -> [BlockDecision] {
        let rootCharacters = roots.reduce(0) { $0 + elements[Int($1)].characters }
        // Filled when a weakly named element below the roots first needs it (see ``SectionCharacters``).
        var sections = SectionCharacters()
        let maximumLinkDensity: Double
        switch favor {
        case .precision: maximumLinkDensity = 0.3
        case .balanced: maximumLinkDensity = 0.5
        case .recall: maximumLinkDensity = 0.7
        }
        let scope = explaining ? scope() : ""
        let prefix = explaining ? fallback.map { $0 + "; " } ?? "" : ""
        return analysis.blocks.map { block in
            let content = Self.content(of: block, analysis, withLinks: false)
            func dropped(_ reason: @autoclosure () -> String) -> BlockDecision {
                BlockDecision(block: content, kept: false, reason: explaining ? prefix + reason() : "")
            }
            if let removed = block.removedBy { return dropped("inside <\(removed)>, which never holds article text") }
            if block.isScriptNotice { return dropped("a notice for browsers without JavaScript") }
            if block.isComment { return dropped("a reader's comment (see the record's comments)") }
            if block.isServerMessage { return dropped("an error message of the site's software (PHP)") }
            if fallback != nil && elements[Int(block.element)].isChrome {
                return dropped("inside chrome (navigation, aside, footer or an element named like one)")
            }
            if !excluded.isEmpty && excluded[Int(block.element)] { return dropped("in a section under a heading named like chrome (\"Related posts\")") }
            // Hints count from the chosen container down: a chrome-like name above it says nothing.
            guard
                let (hint, namer) = hint(
                    of: block.element, below: roots, elements: elements, rootCharacters: rootCharacters, sections: &sections,
                    ownWeakNameCounts: block.kind != .table)
            else {
                return dropped("outside \(scope)")
            }
            if hint >= .weakNegative && !(favor == .recall && hint == .weakNegative) {
                return dropped("inside \"\(names(of: namer, elements))\", named like \(hint == .strongNegative ? "chrome" : "page furniture")")
            }
            if block.linkDensity > maximumLinkDensity && !keepingLinks && !Self.isLinkedSentence(block) {
                return dropped("mostly links (link density \(Double(Int(block.linkDensity * 100)) / 100))")
            }
            if block.isTeaser { return dropped("a teaser of another page (a link and a cut-off text)") }
            if Self.endsWithReadMore(block, analysis) { return dropped("a teaser of another page (its first lines and a link to read on)") }
            if EndMarker.matches(block.text) { return dropped("an end-of-article marker") }
            if block.characters <= 160 && BoilerplateLine.matches(block.text, characters: block.characters) {
                return dropped("a label of page furniture (related, share, credits)")
            }
            if BoilerplateLine.endsWithCredit(block.text, characters: block.characters) {
                return dropped("a picture's caption with its credit (©)")
            }
            if BoilerplateLine.isPromotion(block.text, characters: block.characters) {
                return dropped("a prompt to follow the site elsewhere (its social channels or apps)")
            }
            if BoilerplateLine.isDisclosure(block.text, characters: block.characters) {
                return dropped("a notice of the site (advertising, affiliate links, the licence of its content)")
            }
            if VisibleFacts.isLabelledFact(block.text) { return dropped("a labelled meta line (news code, date)") }
            // List items with dates are schedules and calendars, not bylines.
            if block.characters <= 100 && block.kind != .listItem && BoilerplateLine.isDateLine(block.text) {
                return dropped("a date or a byline with a date")
            }
            var kept = content
            kept.links = analysis.contentLinks(of: block)
            return BlockDecision(block: kept, kept: true, reason: explaining ? prefix + "in \(scope)" : "")
        }
    }

    /// A block as content: its kind, text, rows, a heading's level, and its links when asked for
    /// (made only for kept blocks: most links are menus that are dropped).
    private static func content(of block: PageAnalysis.Block, _ analysis: PageAnalysis, withLinks: Bool) -> ContentBlock {
        ContentBlock(
            kind: block.kind, text: block.text, rows: block.rows,
            level: block.kind == .heading ? analysis.elements[Int(block.element)].tag.headingLevel : nil,
            links: withLinks ? analysis.contentLinks(of: block) : [])
    }

    /// For each element, whether the first block inside it is a heading named like chrome
    /// (`<h3 class="related-posts-title">`): such an element is a section of other stories that
    /// repeats the article's markup, not more of the article. One pass: each block marks the
    /// ancestors it is the first block of.
    private func sectionsOpeningWithChromeHeadings(_ blocks: [PageAnalysis.Block], _ elements: [PageAnalysis.Element]) -> [Bool] {
        var opens = [Bool](repeating: false, count: elements.count)
        var hasFirstBlock = [Bool](repeating: false, count: elements.count)
        for block in blocks where block.removedBy == nil {
            // Whether a chrome-named element lies between the block and the ancestor reached.
            var chromeBelow = false
            var ancestor = Int(block.element)
            while ancestor > 0 && !hasFirstBlock[ancestor] {
                hasFirstBlock[ancestor] = true
                opens[ancestor] = block.kind == .heading && chromeBelow
                if elements[ancestor].hint == .strongNegative { chromeBelow = true }
                ancestor = Int(elements[ancestor].parent)
            }
        }
        return opens
    }

    /// `div.item-text` for explanations.
    private func describe(_ element: Int32, _ elements: [PageAnalysis.Element]) -> String {
        let value = elements[Int(element)]
        let names = value.names.isEmpty ? "" : "." + String(decoding: value.names, as: UTF8.self).split(separator: " ").joined(separator: ".")
        return "\(value.tag)\(names)"
    }

    /// The strongest hint on the way from `element` up to one of `roots` (the root's own excluded),
    /// with the element that gave it (-1 for none), or nil when the element is not inside any root.
    /// An element that holds half the content or more is a wrapper whatever its name
    /// (`content-with-sidebar`), and so is a weak name that sibling sections share when together they
    /// hold half the content (see ``SectionCharacters``).
    ///
    /// A data table's own weak name is not counted (`ownWeakNameCounts` false): on a table, words
    /// like "header" or "meta" say how it is styled (`ingredients table-header`, a table with a
    /// header row), not that it is page furniture; a weak name around it still counts.
    private func hint(
        of element: Int32, below roots: Set<Int32>, elements: [PageAnalysis.Element], rootCharacters: Int,
        sections: inout SectionCharacters, ownWeakNameCounts: Bool = true
    ) -> (ClassHint, Int32)? {
        var current = element
        var strongest = ClassHint.none
        var namer: Int32 = -1
        // Asked for every block, up its ancestors: one root (the usual case) is compared, not hashed.
        let onlyRoot = roots.count == 1 ? roots.first : nil
        while current > 0 {
            if onlyRoot.map({ $0 == current }) ?? roots.contains(current) { return (strongest, namer) }
            // Fields read in place: a copy of the element retained its names.
            let hint = elements[Int(current)].hint
            if hint > strongest && elements[Int(current)].characters * 2 < rootCharacters
                && (ownWeakNameCounts || current != element || hint != .weakNegative)
                && (hint != .weakNegative || sections.characters(of: current, elements) * 2 < rootCharacters)
            {
                strongest = hint
                namer = current
            }
            current = elements[Int(current)].parent
        }
        return nil
    }

    /// The characters that weakly named sibling sections hold together (elements named like page
    /// furniture that share a parent and a first class). Templates name the sections of an article
    /// by what they carry (`testreport__section testreport__section--ads`, `box box-meta`): sections
    /// that share a name and hold most of the content are the article, not furniture beside it.
    /// Weak names only; a strong one (comments, related) is never the article. Counted per parent
    /// when first asked (most pages never ask).
    package struct SectionCharacters {
        private var groups: [Int32: [(name: ArraySlice<UInt8>, characters: Int)]] = [:]
        /// The last answer: the blocks of one section ask one after another.
        private var last: (element: Int32, characters: Int) = (-1, 0)

        /// What `element` and its siblings of the same first class hold.
        package mutating func characters(of element: Int32, _ elements: [PageAnalysis.Element]) -> Int {
            if last.element == element { return last.characters }
            let parent = elements[Int(element)].parent
            let name = elements[Int(element)].names.prefix { $0 != 0x20 }
            var characters = elements[Int(element)].characters
            if parent > 0 && !name.isEmpty {
                if groups[parent] == nil { groups[parent] = Self.groups(below: parent, elements) }
                characters = groups[parent]?.first { $0.name == name }?.characters ?? characters
            }
            last = (element, characters)
            return characters
        }

        /// The weakly named children of `parent` by first class, in one scan of its subtree
        /// (elements are in document order: it ends at the first element whose parent comes before).
        package static func groups(below parent: Int32, _ elements: [PageAnalysis.Element]) -> [(name: ArraySlice<UInt8>, characters: Int)] {
            var totals: [(name: ArraySlice<UInt8>, characters: Int)] = []
            var index = Int(parent) + 1
            while index < elements.count && elements[index].parent >= parent {
                defer { index += 1 }
                guard elements[index].parent == parent, elements[index].hint == .weakNegative, elements[index].characters > 0 else { continue }
                let name = elements[index].names.prefix { $0 != 0x20 }
                guard !name.isEmpty else { continue }
                if let found = totals.firstIndex(where: { $0.name == name }) {
                    totals[found].characters += elements[index].characters
                } else {
                    totals.append((name, elements[index].characters))
                }
            }
            return totals
        }
    }

    /// The class and id of an element, or its tag when it has none (for explanations).
    private func names(of element: Int32, _ elements: [PageAnalysis.Element]) -> String {
        guard element >= 0 else { return "" }
        let value = elements[Int(element)]
        return value.names.isEmpty ? "<\(value.tag)>" : String(decoding: value.names, as: UTF8.self)
    }
}

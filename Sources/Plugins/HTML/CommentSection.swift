import CLibXML2
import ETLKit
import ETLText
import Glibc

/// Finds readers' comments on a parsed page: their authors, dates and texts for the record's
/// `comments`, and their elements, whose text is then never content.
///
/// A site profile that names its family's comment markup (``CommentSelectors``) is used first. Else
/// a general detector, with no site-specific rule, looks in the places a page marks as its comments:
/// elements named like comments (`comments`, `commentlist`, `kommentare`, `nazarat`; see
/// ``ClassHint``) and what follows a heading that says so ("3 Comments", «نظرات», «دیدگاه‌ها», "تعليقات";
/// the headings ``VisibleDates`` knows). There, the comments are the largest group of sibling elements
/// of one kind (the same tag and first class) each of which reads as a comment: a short line for the
/// name, a date, and some text; replies nested in them with the same markup are comments too. A
/// group of one counts when the element or its list is named like comments.
///
/// Parts are told apart by the names of the elements they sit in (`author`, `name`, `fn`, `user`;
/// `date`, `time` or a `<time>` element; `text`, `content`, `body`, `message`; `reply`, `like`,
/// `vote`, `report` are actions and left out), else by their form: the date is the first line a
/// date reader reads, the author the first short line before the text, the text the rest.
///
/// It costs nothing on pages without a place named like comments, and one walk of that place
/// on the others.
package struct CommentSection {
    /// The comments, in document order.
    package var comments: [PageComment] = []
    /// The elements (``PageAnalysis`` indices) of the comments found.
    package var items: [Int32] = []

    /// At most this many comments are read from a page.
    package static let maximumComments = 500
    /// Elements visited below one place named like comments, at most.
    private static let maximumElements = 20_000

    /// Finds the comments of `analysis`'s page (`document`, still alive), with the selectors of
    /// `profile` when it has some.
    package static func find(in analysis: PageAnalysis, document: htmlDocPtr, profile: SiteProfile?) -> CommentSection {
        if let selectors = profile?.comments {
            let found = selectors.comments(in: document)
            if !found.isEmpty {
                return CommentSection(comments: found.map(\.comment), items: indices(of: found.map(\.node), in: analysis))
            }
        }
        var places: [[xmlNodePtr]] = []
        // Named places, outermost first (a parent comes before its children).
        var taken: [Int32] = []
        for container in analysis.commentContainers where !taken.contains(where: { analysis.elements.element(container, isInside: $0) }) {
            taken.append(container)
            if isInSidebar(container, analysis.elements) { continue }
            if let node = analysis.nodes[Int(container)] { places.append([node]) }
        }
        // What follows a comments heading.
        // By index: a `for block in` copied every block of the page (its text and rows retained).
        for index in analysis.blocks.indices where analysis.blocks[index].kind == .heading && analysis.blocks[index].characters <= 60 {
            let element = analysis.blocks[index].element
            guard VisibleDates.isCommentsHeading(analysis.blocks[index].text),
                !taken.contains(where: { analysis.elements.element(element, isInside: $0) }), !isInSidebar(element, analysis.elements),
                let heading = analysis.nodes[Int(element)]
            else { continue }
            places.append(following(heading))
        }
        guard !places.isEmpty else { return CommentSection() }
        var best: (signature: Signature, place: [xmlNodePtr], score: Int, minimumWords: Int)?
        for place in places.prefix(8) {
            var detector = Detector()
            detector.search(place)
            if let found = detector.best, found.score > best?.score ?? 0 { best = (found.signature, place, found.score, found.minimumWords) }
        }
        guard let best else { return CommentSection() }
        var items: [xmlNodePtr] = []
        var comments: [PageComment] = []
        for root in best.place { collect(best.signature, minimumWords: best.minimumWords, below: root, into: &items, comments: &comments) }
        return CommentSection(comments: comments, items: indices(of: items, in: analysis))
    }

    /// The elements after a heading, its own siblings, or its parent's when it has none (a heading
    /// wrapped in a title bar), up to two levels.
    private static func following(_ heading: xmlNodePtr) -> [xmlNodePtr] {
        var node = heading
        for _ in 0..<3 {
            var siblings: [xmlNodePtr] = []
            var next = node.pointee.next
            while let current = next {
                if current.pointee.type == XML_ELEMENT_NODE { siblings.append(current) }
                next = current.pointee.next
            }
            if !siblings.isEmpty { return siblings }
            guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { break }
            node = parent
        }
        return []
    }

    /// Every element of `signature` below `root` that reads as a comment, in document order.
    static func collect(
        _ signature: Signature, minimumWords: Int, below root: xmlNodePtr, into items: inout [xmlNodePtr], comments: inout [PageComment]
    ) {
        var child = root.pointee.children
        while let current = child, items.count < maximumComments {
            defer { child = current.pointee.next }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            if signature.matches(current),
                let comment = CommentReader.read(current, signature: signature, requireAuthor: false, minimumWords: minimumWords)
            {
                items.append(current)
                comments.append(comment)
            }
            collect(signature, minimumWords: minimumWords, below: current, into: &items, comments: &comments)
        }
    }

    /// The ``PageAnalysis`` indices of `nodes` (skipped: nodes the walk did not enter, hidden ones).
    private static func indices(of nodes: [xmlNodePtr], in analysis: PageAnalysis) -> [Int32] {
        guard !nodes.isEmpty else { return [] }
        var index: [xmlNodePtr: Int32] = [:]
        for (position, node) in analysis.nodes.enumerated() {
            if let node { index[node] = Int32(position) }
        }
        return nodes.compactMap { index[$0] }
    }

    /// Whether an element is in an `<aside>`, an element named like a sidebar, or one named "recent"
    /// (`widget_recent_comments`, `recentcomments`): a "Recent comments" box lists comments of other
    /// pages (a name and a link to the post), not this one's. ("widget" alone is no sign: page builders
    /// name every part of a page so, the comments included.) As for chrome (``PageAnalysis``), an element with a third of the page's text or more
    /// is a wrapper (`content-with-sidebar`), and `<html>` and `<body>` name the layout.
    private static func isInSidebar(_ element: Int32, _ elements: [PageAnalysis.Element]) -> Bool {
        let total = elements.count > 1 ? elements[1].characters : 0
        var current = element
        while current > 0 {
            let value = elements[Int(current)]
            if value.tag != .html && value.tag != .body && value.characters * 3 < total
                && (value.tag == .aside || ByteSearch.contains(value.names, recent) || ByteSearch.contains(value.names, sidebar))
            {
                return true
            }
            current = value.parent
        }
        return false
    }

    private static let recent = Array("recent".utf8)
    private static let sidebar = Array("sidebar".utf8)

    /// What makes sibling elements one kind: the tag and the first class word.
    struct Signature: Equatable {
        var tag: String
        var firstClass: String

        init(_ node: xmlNodePtr) {
            tag = node.pointee.name.map { String(cString: $0) } ?? ""
            firstClass = Self.firstClass(of: node)
        }

        /// Whether `node` is of this kind; the tag's name is compared first, without a string.
        func matches(_ node: xmlNodePtr) -> Bool {
            guard let name = node.pointee.name else { return tag.isEmpty }
            let same = tag.withCString { strcmp($0, UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)) == 0 }
            return same && Self.firstClass(of: node) == firstClass
        }

        private static func firstClass(of node: xmlNodePtr) -> String {
            guard let value = xmlGetProp(node, "class") else { return "" }
            defer { etl_xml_free(value) }
            return String(cString: value).lowercased().split(separator: " ").first.map(String.init) ?? ""
        }
    }

    /// The search for the group of sibling elements that reads best as comments.
    struct Detector {
        /// The best group so far, and how deep it sits (on a tie, the outer group wins: a comment's
        /// one wrapper is not the list).
        var best: (signature: Signature, score: Int, depth: Int, minimumWords: Int)?
        var visited = 0
        /// Groups worth reading: two or more siblings of one kind, or one named like comments or
        /// inside an element that is.
        var candidates: [(signature: Signature, nodes: [xmlNodePtr], depth: Int)] = []

        /// Gathers the candidate groups below `roots`, then reads them: the groups of several
        /// elements first, and the lone elements only when none of those is a list of comments
        /// (a page with one comment). Reading every lone wrapper inside every comment of a long
        /// list cost more than the rest of the detector.
        mutating func search(_ roots: [xmlNodePtr]) {
            for root in roots { gather(root, depth: 0) }
            for candidate in candidates where candidate.nodes.count >= 2 { evaluate(candidate) }
            guard best == nil else { return }
            for candidate in candidates where candidate.nodes.count == 1 { evaluate(candidate) }
        }

        private mutating func gather(_ node: xmlNodePtr, depth: Int) {
            guard depth < 24, visited < CommentSection.maximumElements else { return }
            var groups: [(signature: Signature, nodes: [xmlNodePtr])] = []
            var child = node.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                guard current.pointee.type == XML_ELEMENT_NODE else { continue }
                visited += 1
                let tag = HTMLTag(name: current.pointee.name)
                if tag == .script || tag == .style || tag == .form || tag == .textarea || tag == .button { continue }
                let signature = Signature(current)
                if let found = groups.firstIndex(where: { $0.signature == signature }) {
                    groups[found].nodes.append(current)
                } else {
                    groups.append((signature, [current]))
                }
                gather(current, depth: depth + 1)
            }
            var parentNamed: Bool?
            for group in groups {
                if group.nodes.count == 1 {
                    if parentNamed == nil { parentNamed = CommentReader.namesComment(node) }
                    guard parentNamed == true || CommentReader.namesComment(group.nodes[0]) else { continue }
                }
                candidates.append((group.signature, group.nodes, depth))
            }
        }

        private mutating func evaluate(_ group: (signature: Signature, nodes: [xmlNodePtr], depth: Int)) {
            let tried = group.nodes.prefix(50)
            // A lone element has no repetition to vouch for it: its text must be a sentence, not a label.
            let minimumWords = group.nodes.count == 1 ? 3 : 1
            // Lists of comments are uniform: once two items have failed and fewer read, the group is not one.
            var score = 0
            var failures = 0
            for node in tried {
                if CommentReader.read(node, signature: group.signature, requireAuthor: true, minimumWords: minimumWords) != nil {
                    score += 1
                } else {
                    failures += 1
                    if failures >= 2 && failures > score { break }
                }
            }
            // Most of the group must read as comments: a list of teasers with one dated line is not one.
            guard score > 0, score * 2 >= tried.count, failures * 2 <= tried.count else { return }
            if let best, best.score > score || (best.score == score && best.depth <= group.depth) { return }
            best = (group.signature, score, group.depth, minimumWords)
        }
    }
}

import CLibXML2
import ETLKit
import ETLText

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
        for container in analysis.commentContainers where !taken.contains(where: { isInside(container, $0, analysis.elements) }) {
            taken.append(container)
            if let node = analysis.nodes[Int(container)] { places.append([node]) }
        }
        // What follows a comments heading.
        for block in analysis.blocks where block.kind == .heading && block.characters <= 60 && VisibleDates.isCommentsHeading(block.text) {
            guard !taken.contains(where: { isInside(block.element, $0, analysis.elements) }), let heading = analysis.nodes[Int(block.element)] else { continue }
            places.append(following(heading))
        }
        guard !places.isEmpty else { return CommentSection() }
        var best: (signature: Signature, place: [xmlNodePtr], score: Int, minimumWords: Int)?
        for place in places.prefix(8) {
            var detector = Detector()
            for root in place { detector.search(root, depth: 0) }
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
    private static func collect(
        _ signature: Signature, minimumWords: Int, below root: xmlNodePtr, into items: inout [xmlNodePtr], comments: inout [PageComment]
    ) {
        var child = root.pointee.children
        while let current = child, items.count < maximumComments {
            defer { child = current.pointee.next }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            if Signature(current) == signature,
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

    private static func isInside(_ element: Int32, _ ancestor: Int32, _ elements: [PageAnalysis.Element]) -> Bool {
        var current = element
        while current > 0 {
            if current == ancestor { return true }
            current = elements[Int(current)].parent
        }
        return false
    }

    /// What makes sibling elements one kind: the tag and the first class word.
    struct Signature: Equatable {
        var tag: String
        var firstClass: String

        init(_ node: xmlNodePtr) {
            tag = node.pointee.name.map { String(cString: $0) } ?? ""
            let value = xmlGetProp(node, "class")
            defer { if let value { etl_xml_free(value) } }
            firstClass = value.map { String(cString: $0).lowercased().split(separator: " ").first.map(String.init) ?? "" } ?? ""
        }
    }

    /// The search for the group of sibling elements that reads best as comments.
    private struct Detector {
        /// The best group so far, and how deep it sits (on a tie, the outer group wins: a comment's
        /// one wrapper is not the list).
        var best: (signature: Signature, score: Int, depth: Int, minimumWords: Int)?
        var visited = 0

        mutating func search(_ node: xmlNodePtr, depth: Int) {
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
                search(current, depth: depth + 1)
            }
            let parentNamed = CommentReader.namesComment(node)
            for group in groups {
                guard group.nodes.count >= 2 || parentNamed || CommentReader.namesComment(group.nodes[0]) else { continue }
                let tried = group.nodes.prefix(50)
                // A lone element has no repetition to vouch for it: its text must be a sentence, not a label.
                let minimumWords = group.nodes.count == 1 ? 3 : 1
                let score = tried.count { CommentReader.read($0, signature: group.signature, requireAuthor: true, minimumWords: minimumWords) != nil }
                // Most of the group must read as comments: a list of teasers with one dated line is not one.
                guard score > 0, score * 2 >= tried.count else { continue }
                if let best, best.score > score || (best.score == score && best.depth <= depth) { continue }
                best = (group.signature, score, depth, minimumWords)
            }
        }
    }
}

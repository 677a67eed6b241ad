import ETLKit
import ETLText

extension PageAnalysis {
    /// Parses `html` with libxml2 and analyses it, running the selectors of the first of `profiles`
    /// that the page's markers or generator name, on the same parsed document before it is freed.
    /// Readers' comments are looked for there too (``CommentSection``): they go to the metadata, and
    /// their blocks are marked so that they are never content. Nil when libxml2 returns no document
    /// (an empty page).
    package static func parsing(_ html: String, url: String, profiles: [SiteProfile], classPatterns: ClassHint.Patterns) throws(ParseHalt) -> PageAnalysis? {
        // The analysis's walk refuses a tree deeper than HTMLParsing.maxDepth itself.
        try HTMLParsing.withDocument(html, url: url, checkingDepth: false) { document throws(ParseHalt) -> PageAnalysis in
            var analysis = PageAnalysis(document: document, profiles: profiles, classPatterns: classPatterns)
            if analysis.isTooDeep { throw HTMLParsing.tooDeep(url: url) }
            let matched = analysis.markedProfile.map { profiles[$0] } ?? profiles.first { $0.isGenerated(by: analysis.metadata) }
            if let matched {
                analysis.metadata.profile = matched.name
                analysis.metadata.profileFields = SelectExtractor.select(matched.selectors, in: document)
                let named = analysis.metadata.canonicalURL ?? analysis.metadata.meta("og:url") ?? url
                analysis.metadata.profileCanonicalURL = matched.canonicalURL(of: named)
            }
            let comments = CommentSection.find(in: analysis, document: document, profile: matched)
            analysis.metadata.comments = comments.comments
            analysis.markComments(comments.items)
            PageKindDetector.detect(&analysis, html: html, document: document, profile: matched)
            // The nodes die with the document.
            analysis.nodes = []
            return analysis
        }
    }
}

extension PageAnalysis {
    /// Marks the blocks inside the elements `items` (and their descendants) as comments.
    package mutating func markComments(_ items: [Int32]) {
        guard !items.isEmpty else { return }
        var marked = [Bool](repeating: false, count: elements.count)
        for item in items where item > 0 && Int(item) < elements.count && !marked[Int(item)] {
            // A subtree is the run of elements after it whose parents are in it (document order).
            var index = Int(item)
            marked[index] = true
            index += 1
            while index < elements.count && elements[index].parent >= item {
                marked[index] = true
                index += 1
            }
        }
        for index in blocks.indices where marked[Int(blocks[index].element)] {
            blocks[index].isComment = true
        }
    }
}

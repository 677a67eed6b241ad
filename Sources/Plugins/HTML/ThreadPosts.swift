import CLibXML2
import ETLKit
import ETLText

/// Finds the posts of a forum thread on a parsed page: each post's author, date and text, in page
/// order, the first post included.
///
/// A site profile of a forum family (XenForo, vBulletin) names its posts' markup (`posts`, read by
/// ``CommentSelectors``): a page of that family with one post or more is a thread; a post whose date
/// the selectors miss (a theme of its own) has it read as a comment's is (``CommentReader``). Else the general
/// detector of readers' comments (``CommentSection``) looks at the whole page for the largest group
/// of sibling elements of one kind each with a name, a date and a text; the page is a thread when
/// that group has at least ``minimumPosts`` posts, their texts hold ``minimumShare`` of the page's
/// prose (they are the page, not a list beside it), and the group is not inside a place named like
/// comments (an article's comments stay comments), on a page that does not call itself an article
/// (``PageKindDetector/declaresArticle(_:)``).
///
/// The general detector runs only on pages that show at least ``minimumPosts`` dates (`<time>`
/// elements or short lines a date reader reads) and have no comments found: it costs one count on
/// other pages.
package enum ThreadPosts {
    /// Posts a general post list needs.
    package static let minimumPosts = 3
    /// The share of the page's prose the posts' texts must hold.
    package static let minimumShare = 0.5

    /// The thread's posts on `analysis`'s page (`document` still alive), or an empty list when the
    /// page is not a thread. `hasComments`: the page has readers' comments (it is an article).
    package static func find(in analysis: PageAnalysis, document: htmlDocPtr, profile: SiteProfile?, hasComments: Bool) -> [PageComment] {
        if let selectors = profile?.posts {
            let found = selectors.comments(in: document)
            if !found.isEmpty {
                // A theme that moved the date out of the family's element: the post read as a comment is.
                return found.map { node, post in
                    guard post.published == nil,
                        let date = CommentReader.read(node, signature: CommentSection.Signature(node), requireAuthor: false)?.published
                    else { return post }
                    var dated = post
                    dated.published = date
                    return dated
                }
            }
        }
        guard !hasComments, !PageKindDetector.declaresArticle(analysis.metadata), showsDates(analysis), let root = xmlDocGetRootElement(document) else {
            return []
        }
        var detector = CommentSection.Detector()
        detector.search([root])
        guard let best = detector.best, best.score >= minimumPosts else { return [] }
        var items: [xmlNodePtr] = []
        var posts: [PageComment] = []
        CommentSection.collect(best.signature, minimumWords: best.minimumWords, below: root, into: &items, comments: &posts)
        guard posts.count >= minimumPosts, let first = items.first, !isInCommentsPlace(first) else { return [] }
        // Forum posts are signed with names, not headlines: a teaser list's "author" is its title.
        let named = posts.filter { post in post.author.map { $0.split(separator: " ").count <= 4 } ?? false }
        guard named.count * 4 >= posts.count * 3 else { return [] }
        let postCharacters = posts.reduce(0) { $0 + $1.text.unicodeScalars.count }
        let prose = proseCharacters(analysis)
        guard prose > 0, Double(postCharacters) >= Double(prose) * minimumShare else { return [] }
        return posts
    }

    /// Whether the page shows enough dates to hold a post list: `<time>` elements, else short lines
    /// a date reader reads.
    private static func showsDates(_ analysis: PageAnalysis) -> Bool {
        if analysis.metadata.times.count >= minimumPosts { return true }
        let dates = ArticleDate(timeZone: nil)
        var found = 0
        for line in analysis.metadata.lines where line.utf8.count <= 80 && WrittenDate.hasEnoughDigits(line) {
            if dates.normalize(line) != nil {
                found += 1
                if found >= minimumPosts { return true }
            }
        }
        return false
    }

    /// Characters of the page's prose: its blocks outside chrome and removed regions.
    static func proseCharacters(_ analysis: PageAnalysis) -> Int {
        var total = 0
        for block in analysis.blocks where block.removedBy == nil && !block.isComment && !analysis.elements[Int(block.element)].isChrome {
            total += block.characters
        }
        return total
    }

    /// Whether an element or one of its ancestors (below `<body>`) is named like comments.
    private static func isInCommentsPlace(_ node: xmlNodePtr) -> Bool {
        var current: xmlNodePtr? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            let tag = HTMLTag(name: element.pointee.name)
            if tag == .body || tag == .html { return false }
            if CommentReader.namesComment(element) { return true }
            current = element.pointee.parent
        }
        return false
    }
}

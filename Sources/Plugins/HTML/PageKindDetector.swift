import CLibXML2
import ETLKit
import ETLText
import Glibc

/// Decides what a page is (``PageKind``) and reads the parts of a thread or a Q&A page, with no
/// site-specific rule beyond the markup families' profiles.
///
/// While the document lives (``detect(_:html:document:profile:)``): a Q&A page first
/// (``QuestionAnswers``), then a thread (``ThreadPosts``). After the content is chosen
/// (``isListing(_:content:)``): a page whose main content is mostly links to other pages is a
/// listing. Everything else stays an article.
package enum PageKindDetector {
    /// Reads a Q&A page's question and answers, or a thread's posts, into `analysis`'s metadata
    /// with its kind.
    package static func detect(_ analysis: inout PageAnalysis, html: String, document: htmlDocPtr, profile: SiteProfile?) {
        let mayHaveMicrodata = ByteSearch.contains(html, questionType)
        if let found = QuestionAnswers.find(in: analysis, document: document, profile: profile, mayHaveMicrodata: mayHaveMicrodata) {
            analysis.metadata.kind = .qa
            analysis.metadata.question = found.question
            analysis.metadata.answers = found.answers
            return
        }
        let posts = ThreadPosts.find(in: analysis, document: document, profile: profile, hasComments: !analysis.metadata.comments.isEmpty)
        if !posts.isEmpty {
            analysis.metadata.kind = .thread
            analysis.metadata.posts = posts
        }
    }

    /// Looked for from its `Q`, a rare byte in HTML (``ByteSearch`` anchors its search there).
    private static let questionType = Array("schema.org/Question".utf8)

    /// Link blocks a listing shows at least.
    package static let minimumLinks = 8

    /// Whether the page's main content is mostly links to other pages. The page must not call itself
    /// an article (`og:type` other than `website`, `article:published_time`, JSON-LD of an article,
    /// a recipe or a product), its content (`content`, the cleaner's choice) must have no paragraph
    /// of ``longParagraph`` characters or more, and inside the element that holds that content there
    /// must be at least ``minimumLinks`` headline-like link blocks (mostly link text, 15 characters or
    /// more, outside chrome) whose text outweighs the content's prose: the teasers' headlines beside
    /// their summaries, where an article's related links sit outside its text.
    package static func isListing(_ analysis: PageAnalysis, content: [ContentBlock]) -> Bool {
        let meta = analysis.metadata
        if let type = meta.meta("og:type"), type.lowercased() != "website" { return false }
        if meta.meta("article:published_time") != nil { return false }
        for block in content where block.kind != .heading {
            // UTF-8 bytes bound the scalars: most blocks are passed without a walk.
            if block.text.utf8.count >= longParagraph && block.text.unicodeScalars.count >= longParagraph { return false }
        }
        // Links enough on the whole page first: on most pages, that is where it ends.
        let elements = analysis.elements
        func isHeadline(_ block: PageAnalysis.Block) -> Bool {
            block.removedBy == nil && !block.isComment && block.characters >= 15 && block.linkDensity >= 0.7 && !elements[Int(block.element)].isChrome
        }
        guard analysis.blocks.count(where: isHeadline) >= minimumLinks else { return false }
        // The element holding the content: the deepest common ancestor of its blocks.
        var texts: Set<String> = []
        for block in content.prefix(32) where block.kind != .heading { texts.insert(block.text) }
        var holder: Int32?
        for block in analysis.blocks where block.removedBy == nil && texts.contains(block.text) {
            guard let current = holder else {
                holder = block.element
                continue
            }
            holder = elements.commonAncestor(of: current, and: block.element)
        }
        guard let holder else { return false }
        var links = 0
        var linkCharacters = 0
        for block in analysis.blocks where isHeadline(block) && elements.element(block.element, isInside: holder) {
            links += 1
            linkCharacters += block.characters
        }
        guard links >= minimumLinks else { return false }
        // Characters, as the links' are (bytes would count Persian or Russian prose twice or more).
        var prose = 0
        for block in content where block.kind != .heading { prose += block.text.unicodeScalars.count }
        guard linkCharacters >= prose else { return false }
        // Last, as the dearest: JSON-LD that describes one article, recipe or product.
        return !declaresOneItem(meta)
    }

    /// Whether the page says it is one article (`og:type` `article`, `article:published_time`, or
    /// JSON-LD of an article, a recipe or a product): the general thread detector leaves it alone
    /// (its sections signed with labels are not posts).
    package static func declaresArticle(_ meta: PageMetadata) -> Bool {
        if meta.meta("og:type")?.lowercased() == "article" || meta.meta("article:published_time") != nil { return true }
        return declaresOneItem(meta)
    }

    /// Whether the page's JSON-LD describes one article, recipe or product.
    private static func declaresOneItem(_ meta: PageMetadata) -> Bool {
        meta.jsonLD.contains { script in declaredTypes.contains { ByteSearch.contains(script, $0) } }
    }

    private static let declaredTypes = ["Article\"", "BlogPosting\"", "Recipe\"", "Product\""].map { Array($0.utf8) }

    /// A paragraph this long is a story's, not a teaser's.
    private static let longParagraph = 400
}

/// A cleaned page, as a cleaner leaves it: the main content as blocks, and what the page says about
/// itself (meta tags, JSON-LD, headings, dates) for extractors to read without parsing the page again.
public struct Page: Sendable {
    /// The main content, in document order, boilerplate removed.
    public var blocks: [ContentBlock]
    /// The page's self-description.
    public var metadata: PageMetadata

    public init(blocks: [ContentBlock], metadata: PageMetadata) {
        self.blocks = blocks
        self.metadata = metadata
    }

    /// The body as text: blocks separated by blank lines.
    public var bodyText: String {
        blocks.map(\.text).joined(separator: "\n\n")
    }
}

/// One block of main content: a paragraph, a heading, a list item, a quote, a caption, a data table,
/// or preformatted text.
public struct ContentBlock: Sendable, Hashable {
    /// What the block was in the page. The raw values are the `type`s of the record's `blocks` field.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `<p>`, and text in any other container.
        case paragraph
        /// `<h1>`…`<h6>` (see ``ContentBlock/level``).
        case heading
        /// `<li>`, `<dt>`, `<dd>`.
        case listItem
        /// `<blockquote>`.
        case quote
        /// A table's `<caption>` or a `<figcaption>` that is kept.
        case caption
        /// A data table (see ``ContentBlock/rows``).
        case table
        /// `<pre>`: code and other text whose lines matter.
        case preformatted
    }

    public var kind: Kind
    /// The block's text. A data table's is its rows, one a line, cells separated by " | ".
    public var text: String
    /// A data table's rows, each a list of cell texts (empty cells as ""); nil for every other block.
    public var rows: [[String]]?
    /// A heading's level, 1 for `<h1>` to 6 for `<h6>`; nil for every other block.
    public var level: Int?
    /// The links in the block's text, in order, with their targets as written in the page (the
    /// `article` extractor makes them absolute).
    public var links: [ContentLink]

    public init(kind: Kind, text: String, rows: [[String]]? = nil, level: Int? = nil, links: [ContentLink] = []) {
        self.kind = kind
        self.text = text
        self.rows = rows
        self.level = level
        self.links = links
    }
}

/// What a page says about itself, gathered in one pass by the cleaner.
public struct PageMetadata: Sendable {
    /// `<meta name|property|itemprop=… content=…>` pairs in document order; names in lower case.
    public var metaTags: [(name: String, content: String)] = []
    /// The text of each `<script type="application/ld+json">`.
    public var jsonLD: [String] = []
    /// The `<title>` element's text.
    public var titleElement: String?
    /// The texts of the `<h1>` elements, in document order.
    public var headings: [String] = []
    /// The `datetime` attributes of `<time>` elements, in document order.
    public var times: [String] = []
    /// `<html lang>`.
    public var language: String?
    /// `<link rel="canonical" href>`.
    public var canonicalURL: String?
    /// Texts of elements whose class or id names a lead, summary or introduction, in document order.
    public var summaries: [String] = []
    /// Texts of elements whose class or id names the line above the title (kicker, rotitr, uptitle).
    public var kickers: [String] = []
    /// The link texts of the article's visible tag list: the first element named like tags
    /// (`tags`, `tag-list`, `keywords`) with links, outside sidebars and other named chrome.
    public var tagLinks: [String] = []
    /// The sources (as written) of the images in the main content the cleaner chose, and of the
    /// picture above its text, in document order.
    public var contentImages: [String] = []
    /// Link texts of breadcrumb trails (elements named breadcrumb or path), in document order.
    public var breadcrumbs: [String] = []
    /// Short lines of visible text outside navigation and sidebars, content or not, in document order
    /// (at most 400): where extractors look for labelled facts such as «کد خبر: …» or a date line.
    public var lines: [String] = []
    /// Where each of ``lines`` sat, index for index, when the cleaner records it (empty when it does
    /// not): date readers never take a page header's "today" line or a comment's date as the article's.
    public var lineRegions: [LineRegion] = []

    /// Readers' comments found on the page (see ``PageComment``), in document order; never part of the blocks.
    public var comments: [PageComment] = []
    /// What the page is (see ``PageKind``): `article` unless it reads as a thread, a Q&A page or a listing.
    public var kind = PageKind.article
    /// A thread's posts in page order, the first post included (`kind` is `thread`); texts as found.
    public var posts: [PageComment] = []
    /// A Q&A page's question and answers (`kind` is `qa`).
    public var question: PageQuestion?
    public var answers: [PageAnswer] = []

    /// The site profile whose markers the page carries (`iransamaneh`), if any.
    public var profile: String?
    /// What the profile's selectors found, by field (texts as found; extractors normalise them).
    public var profileFields: [String: [String]] = [:]
    /// The page's URL (its canonical link, else `og:url`, else the address read) as the profile's
    /// URL rule makes it canonical (`/fa/news/123/slug` → `/fa/news/123`), when the rule applies.
    public var profileCanonicalURL: String?

    public init() {}

    /// The content of the first meta tag with one of these names (lower case), in the order the names
    /// are given.
    public func meta(_ names: String...) -> String? {
        for name in names {
            if let tag = metaTags.first(where: { $0.name == name }), !tag.content.isEmpty { return tag.content }
        }
        return nil
    }
}

/// The part of a page a short line of ``PageMetadata/lines`` came from.
public enum LineRegion: UInt8, Sendable, Hashable {
    /// The main content or anything not told apart below.
    case content
    /// The page's `<header>` (site name, menus, today's date).
    case header
    /// Readers' comments (an element named like comments).
    case comments
}

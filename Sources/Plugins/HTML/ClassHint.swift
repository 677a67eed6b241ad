import ETLKit
import ETLText

/// What an element's `class` and `id` say about its content, by words common to page templates in
/// every language (templates are written in English-like identifiers even on Persian or Chinese sites).
///
/// Names are ASCII-lower-cased bytes (see ``Attributes/names``) and are matched as bytes.
package enum ClassHint: UInt8, Comparable {
    case none
    /// Names a content container (`article-body`, `entry-content`, `item-text`).
    case positive
    /// Chrome that sometimes wraps content (`header`, `meta`, `tags`): dropped unless also positive.
    case weakNegative
    /// Never article text (`comments`, `share`, `related`, `sidebar`): dropped even inside content.
    case strongNegative

    package static func < (lhs: ClassHint, rhs: ClassHint) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    /// The name groups, looked for in one scan per element (``Patterns``); bit `i` is group `i`.
    private static let groupWords: [[String]] = [
        // 0 strong: never article text, even inside it.
        [
            "comment", "share", "sharing", "social", "related", "sidebar", "side-bar", "breadcrumb",
            "advert", "newsletter", "popular", "recommend", "cookie", "subscribe", "most-viewed",
            "mostviewed", "latest-news", "more-news", "morenews", "signup", "login", "promo", "sponsor",
            "consent", "gdpr", "dsgvo", "copyright", "testimonial",
        ],
        // 1 weak: chrome that sometimes wraps content.
        [
            "footer", "header", "menu", "navbar", "navigation", "widget", "banner", "pagination", "pager",
            "meta", "tags", "tag-", "keyword", "date", "print", "rss", "toolbar", "byline", "author",
            "caption", "credit", "popup", "modal", "register", "carousel", "slider",
        ],
        // 2 positive: content containers.
        ["article", "content", "body", "main", "story", "text", "entry", "post", "detail", "fulltext", "echo"],
        // 3 kicker: the line above the title.
        ["kicker", "rutitr", "rotitr", "uptitle", "up-title", "overline", "supertitle", "pretitle", "pre-title", "surtitle", "eyebrow"],
        // 4 breadcrumb trails.
        ["breadcrumb", "crumbs", "news_path", "news-path"],
        // 5 posts embedded in an article (a quoted tweet) are part of what it says, though named "social".
        ["embed", "twitter-tweet", "instagram-media", "tiktok-embed"],
        // 6 lead and summary names, anywhere in a name: the whole-word test runs only when one is there.
        summaryNames.map { String(decoding: $0, as: UTF8.self) },
        // 7 the page's header, for date readers ("today" lines sit there).
        ["header", "masthead", "topbar", "top-bar"],
        // 8 readers' comments, for date readers.
        ["comment"],
        // 9 readers' comments named in other languages, for the comment detector only (German, Polish,
        // Spanish, Portuguese, Persian transliterated: kommentare, komentarze, comentarios, nazarat).
        ["komment", "komentar", "comentar", "nazarat", "didgah"],
        // 10 the article's list of tags (`tags`, `post-tags`, `tag-list`, `keywords`; Persian برچسب transliterated).
        ["tags", "tag-", "tag_", "keyword", "barchasb"],
    ]
    /// Bit of the site profiles' markers, the group after ``groupWords`` (see ``Patterns``).
    private static let markerBit: UInt32 = 1 << 11
    private static let strongBit: UInt32 = 1, weakBit: UInt32 = 2, positiveBit: UInt32 = 4, kickerBit: UInt32 = 8
    private static let breadcrumbBit: UInt32 = 16, embedBit: UInt32 = 32, summaryBit: UInt32 = 64
    private static let headerBit: UInt32 = 128, commentBit: UInt32 = 256, otherCommentBit: UInt32 = 512, tagsBit: UInt32 = 1024
    private static let weakTokens = bytes(["ad", "ads", "nav", "tag", "links"])
    private static let summaryNames = bytes([
        "lead", "summary", "intro", "subtitle", "sub-title", "abstract", "teaser",
        "standfirst", "excerpt", "subhead", "chapo", "dek",
    ])
    private static let leader = Array("leader".utf8)

    /// What an element's class and id names say, read in one scan.
    package struct Reading {
        package var hint = ClassHint.none
        /// Names the line above the title (kicker, rotitr, uptitle).
        package var isKicker = false
        /// Names a breadcrumb trail.
        package var isBreadcrumb = false
        /// Has a lead or summary name somewhere: ``ClassHint/namesSummary(_:)`` may say yes.
        package var mayNameSummary = false
        /// Named like the page's header (header, masthead, topbar).
        package var namesHeader = false
        /// Named like readers' comments.
        package var namesComments = false
        /// Named like readers' comments in words other than "comment" (see ``CommentSection``).
        package var namesCommentsElsewhere = false
        /// Named like the article's list of tags (tags, tag-list, keywords).
        package var namesTags = false
        /// Holds a site profile's marker somewhere (``Patterns``): ``SiteProfile/isMarked(by:)`` may say yes.
        package var mayMarkProfile = false
    }

    /// The name groups, with the class and id markers of site profiles as one more group: one scan
    /// of an element's names reads both (a second scan for the markers was 0.6% of the cleaner's time).
    package struct Patterns: Sendable {
        fileprivate let set: BytePatternSet

        /// The groups, and `profileMarkers` (``SiteProfile/markers``; none by default).
        package init(profileMarkers: [String] = []) {
            set = BytePatternSet(groups: ClassHint.groupWords + [profileMarkers])
        }
    }

    /// The groups without markers.
    package static let standardPatterns = Patterns()

    /// Reads an element's class and id names (lower-cased bytes), with `patterns` (``standardPatterns``, or
    /// the same with site profiles' markers).
    package static func read(_ names: [UInt8], in patterns: Patterns = standardPatterns) -> Reading {
        guard !names.isEmpty else { return Reading() }
        let found = patterns.set.groups(in: names)
        var reading = Reading(
            isKicker: found & kickerBit != 0, isBreadcrumb: found & breadcrumbBit != 0, mayNameSummary: found & summaryBit != 0,
            namesHeader: found & headerBit != 0, namesComments: found & commentBit != 0,
            namesCommentsElsewhere: found & otherCommentBit != 0, namesTags: found & tagsBit != 0,
            mayMarkProfile: found & markerBit != 0)
        if found & embedBit != 0 { return reading }
        if found & strongBit != 0 {
            reading.hint = .strongNegative
            return reading
        }
        let isPositive = found & positiveBit != 0
        let isWeak = found & weakBit != 0 || ByteSearch.containsToken(names) { token in weakTokens.contains { $0[...] == token } }
        reading.hint = isWeak && !isPositive ? .weakNegative : isPositive ? .positive : .none
        return reading
    }

    /// Whether class and id name the article's lead or summary. Whole words only for "lead"-like
    /// names, so that `leader` or `misleading` do not count.
    package static func namesSummary(_ names: [UInt8]) -> Bool {
        ByteSearch.containsToken(names) { token in
            summaryNames.contains { name in
                token.starts(with: name) && token.count <= name.count + 4 && !token.starts(with: leader)
            }
        }
    }
}

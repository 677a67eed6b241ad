/// What an element's `class` and `id` say about its content, by words common to page templates in
/// every language (templates are written in English-like identifiers even on Persian or Chinese sites).
///
/// Names are ASCII-lower-cased bytes (see ``Attributes/names``) and are matched as bytes.
enum ClassHint: UInt8, Comparable {
    case none
    /// Names a content container (`article-body`, `entry-content`, `item-text`).
    case positive
    /// Chrome that sometimes wraps content (`header`, `meta`, `tags`): dropped unless also positive.
    case weakNegative
    /// Never article text (`comments`, `share`, `related`, `sidebar`): dropped even inside content.
    case strongNegative

    static func < (lhs: ClassHint, rhs: ClassHint) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }

    private static let strong = BytePatternSet(["comment", "share", "sharing", "social", "related", "sidebar", "side-bar", "breadcrumb",
                                       "advert", "newsletter", "popular", "recommend", "cookie", "subscribe", "most-viewed",
                                       "mostviewed", "latest-news", "more-news", "morenews", "signup", "login", "promo", "sponsor"])
    private static let weak = BytePatternSet(["footer", "header", "menu", "navbar", "navigation", "widget", "banner", "pagination", "pager",
                                     "meta", "tags", "tag-", "keyword", "date", "print", "rss", "toolbar", "byline", "author",
                                     "caption", "credit", "popup", "modal", "hidden"])
    private static let weakTokens = bytes(["ad", "ads", "nav", "tag", "links"])
    private static let positiveNames = BytePatternSet(["article", "content", "body", "main", "story", "text", "entry", "post", "detail",
                                              "fulltext", "echo"])
    private static let summaryNames = bytes(["lead", "summary", "intro", "subtitle", "sub-title", "abstract", "teaser",
                                             "standfirst", "excerpt", "subhead", "chapo", "dek"])
    private static let kickerNames = BytePatternSet(["kicker", "rutitr", "rotitr", "uptitle", "up-title", "overline", "supertitle",
                                            "pretitle", "pre-title", "surtitle", "eyebrow"])
    private static let breadcrumbNames = BytePatternSet(["breadcrumb", "crumbs", "news_path", "news-path"])
    private static let leader = Array("leader".utf8)

    /// Posts embedded in an article (a quoted tweet) are part of what it says, though named "social".
    private static let embedNames = BytePatternSet(["embed", "twitter-tweet", "instagram-media", "tiktok-embed"])

    /// The hint for an element's class and id names.
    static func classify(_ names: [UInt8]) -> ClassHint {
        if names.isEmpty || embedNames.matches(names) { return .none }
        if strong.matches(names) { return .strongNegative }
        let isPositive = positiveNames.matches(names)
        let isWeak = weak.matches(names) || ByteSearch.tokens(names).contains { token in weakTokens.contains { $0[...] == token } }
        if isWeak && !isPositive { return .weakNegative }
        return isPositive ? .positive : .none
    }

    /// Whether class and id name the article's lead or summary. Whole words only for "lead"-like
    /// names, so that `leader` or `misleading` do not count.
    static func namesSummary(_ names: [UInt8]) -> Bool {
        ByteSearch.tokens(names).contains { token in
            summaryNames.contains { name in
                token.starts(with: name) && token.count <= name.count + 4 && !token.starts(with: leader)
            }
        }
    }

    /// Whether class and id name the line above the title (kicker, rotitr, uptitle).
    static func namesKicker(_ names: [UInt8]) -> Bool {
        kickerNames.matches(names)
    }

    /// Whether class and id name a breadcrumb trail.
    static func namesBreadcrumb(_ names: [UInt8]) -> Bool {
        breadcrumbNames.matches(names)
    }
}

/// What an element's `class` and `id` say about its content, by words common to page templates in
/// every language (templates are written in English-like identifiers even on Persian or Chinese sites).
enum ClassHint: UInt8, Comparable {
    case none
    /// Names a content container (`article-body`, `entry-content`, `item-text`).
    case positive
    /// Chrome that sometimes wraps content (`header`, `meta`, `tags`): dropped unless also positive.
    case weakNegative
    /// Never article text (`comments`, `share`, `related`, `sidebar`): dropped even inside content.
    case strongNegative

    static func < (lhs: ClassHint, rhs: ClassHint) -> Bool { lhs.rawValue < rhs.rawValue }

    private static let strong = ["comment", "share", "sharing", "social", "related", "sidebar", "side-bar", "breadcrumb",
                                 "advert", "newsletter", "popular", "recommend", "cookie", "subscribe", "most-viewed",
                                 "mostviewed", "latest-news", "more-news", "moreNews", "signup", "login", "promo", "sponsor"]
    private static let weak = ["footer", "header", "menu", "navbar", "navigation", "widget", "banner", "pagination", "pager",
                               "meta", "tags", "tag-", "keyword", "date", "print", "rss", "toolbar", "byline", "author",
                               "caption", "credit", "popup", "modal", "hidden"]
    private static let weakTokens: Set<String> = ["ad", "ads", "nav", "tag", "top", "bottom", "links", "list"]
    private static let positiveNames = ["article", "content", "body", "main", "story", "text", "entry", "post", "detail", "fulltext", "echo"]

    /// The hint for an element's class and id values (lower-cased, joined by a space).
    static func classify(_ names: String) -> ClassHint {
        if strong.contains(where: { names.contains($0.lowercased()) }) { return .strongNegative }
        let isPositive = positiveNames.contains { names.contains($0) }
        let isWeak = weak.contains { names.contains($0) }
            || names.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { weakTokens.contains(String($0)) }
        if isWeak && !isPositive { return .weakNegative }
        return isPositive ? .positive : .none
    }

    private static let summaryNames = ["lead", "summary", "intro", "subtitle", "sub-title", "abstract", "teaser",
                                       "standfirst", "excerpt", "subhead", "chapo", "dek"]
    private static let kickerNames = ["kicker", "rutitr", "rotitr", "uptitle", "up-title", "overline", "supertitle",
                                      "pretitle", "pre-title", "surtitle", "eyebrow"]

    /// Whether class and id name the article's lead or summary. Whole words only for "lead"-like
    /// names, so that `leader` or `misleading` do not count.
    static func namesSummary(_ names: String) -> Bool {
        names.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { token in
            summaryNames.contains { token == $0 || token.hasPrefix($0) && token.count <= $0.count + 4 && !token.hasPrefix("leader") }
        }
    }

    /// Whether class and id name the line above the title (kicker, rotitr, uptitle).
    static func namesKicker(_ names: String) -> Bool {
        kickerNames.contains { names.contains($0) }
    }
}

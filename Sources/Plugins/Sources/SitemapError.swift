import ETLKit

/// Why a sitemap gave no pages (a ``CodedError``).
public struct SitemapError: CodedError {
    public typealias Code = ErrorCode<SitemapError>

    public let code: Code
    public let message: String

    /// See ``ErrorCode/notASitemap``.
    public static func notASitemap(url: String) -> SitemapError {
        SitemapError(code: .notASitemap, message: "\(url) is not a sitemap (XML urlset or sitemapindex expected)")
    }

    /// See ``ErrorCode/several``.
    public static func several(_ reasons: [String]) -> SitemapError {
        SitemapError(code: .several, message: reasons.joined(separator: "; "))
    }
}

extension ErrorCode where Domain == SitemapError {
    /// The document at the URL is neither an XML urlset nor a sitemapindex.
    public static var notASitemap: Self { "notASitemap" }
    /// The sitemaps that could not be read, each with its reason, in the message.
    public static var several: Self { "several" }
}

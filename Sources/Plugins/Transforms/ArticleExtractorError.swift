import ETLKit

/// Why the `article` extractor could not extract (a ``CodedError``).
public struct ArticleExtractorError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<ArticleExtractorError>

    public let code: Code
    public let message: String
    /// The record's URL.
    public let url: String

    /// See ``ErrorCode/noPage``.
    public static func noPage(url: String) -> ArticleExtractorError {
        ArticleExtractorError(code: .noPage, message: "no cleaned page for \(url): put a cleaner such as \"html\" before \"article\"", url: url)
    }

    /// See ``ErrorCode/noBody``.
    public static func noBody(url: String) -> ArticleExtractorError {
        ArticleExtractorError(code: .noBody, message: "no article text found in \(url) (set requireBody to false to keep such pages)", url: url)
    }

    /// A page without article text ("not an article") is the same page next time; a missing cleaned
    /// page is the pipeline's doing (no cleaner before `article`), and so is any other code.
    public var isPermanent: Bool { code == .noBody }
}

extension ErrorCode where Domain == ArticleExtractorError {
    /// The record has no cleaned page: no cleaner ran before `article`.
    public static var noPage: Self { "noPage" }
    /// No article text was found in the page, and `requireBody` is true.
    public static var noBody: Self { "noBody" }
}

import ETLKit

/// Why the `select` extractor could not run (a ``CodedError``).
public struct SelectExtractorError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<SelectExtractorError>

    public let code: Code
    public let message: String

    /// See ``ErrorCode/noDocument``.
    public static func noDocument(url: String) -> SelectExtractorError {
        SelectExtractorError(code: .noDocument, message: "no document to select from for \(url) (no fetcher ran)")
    }

    /// A pipeline without a fetcher before the step: fixed in the pipeline, not in the page.
    public var isPermanent: Bool { false }
}

extension ErrorCode where Domain == SelectExtractorError {
    /// The record has no fetched document: no fetcher ran before `select`.
    public static var noDocument: Self { "noDocument" }
}

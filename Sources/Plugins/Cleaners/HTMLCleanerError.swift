import ETLHTML
import ETLKit

/// Why the `html` cleaner could not clean a record (a ``CodedError``).
public struct HTMLCleanerError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<HTMLCleanerError>

    public let code: Code
    public let message: String
    /// libxml2's ``ParseHalt`` for ``ErrorCode/incomplete``, else nil.
    public let underlying: (any Error)?

    /// See ``ErrorCode/noDocument``.
    public static func noDocument(url: String) -> HTMLCleanerError {
        HTMLCleanerError(code: .noDocument, message: "no document to clean for \(url) (no fetcher ran)", underlying: nil)
    }

    /// See ``ErrorCode/notHTML``.
    public static func notHTML(url: String, mediaType: String) -> HTMLCleanerError {
        HTMLCleanerError(code: .notHTML, message: "\(url) is \(mediaType), not HTML", underlying: nil)
    }

    /// See ``ErrorCode/unparsable``.
    public static func unparsable(url: String) -> HTMLCleanerError {
        HTMLCleanerError(code: .unparsable, message: "libxml2 could not parse \(url) as HTML (empty document?)", underlying: nil)
    }

    /// See ``ErrorCode/incomplete``.
    public static func incomplete(_ halt: ParseHalt) -> HTMLCleanerError {
        HTMLCleanerError(code: .incomplete, message: halt.description, underlying: halt)
    }

    /// A page that is not HTML or does not parse fails the same way next time; a missing document
    /// is the pipeline's doing (no fetcher ran) and goes through once the pipeline is fixed.
    public var isPermanent: Bool { code != .noDocument }
}

extension ErrorCode where Domain == HTMLCleanerError {
    /// The record has no fetched document: no fetcher ran.
    public static var noDocument: Self { "noDocument" }
    /// The document's media type is not HTML.
    public static var notHTML: Self { "notHTML" }
    /// libxml2 could not parse the document at all (an empty document).
    public static var unparsable: Self { "unparsable" }
    /// libxml2 stopped before the end of the page: it is refused rather than cleaned in part.
    public static var incomplete: Self { "incomplete" }
}

import ETLKit

/// Why the `cdx` source failed (a ``CodedError``).
public struct CDXSourceError: CodedError {
    public typealias Code = ErrorCode<CDXSourceError>

    public let code: Code
    public let message: String
    /// The CDX index's URL.
    public let url: String

    /// See ``ErrorCode/indexFailed``.
    public static func indexFailed(url: String, reason: String) -> CDXSourceError {
        CDXSourceError(code: .indexFailed, message: "the CDX index \(url) could not be read: \(reason)", url: url)
    }
}

extension ErrorCode where Domain == CDXSourceError {
    /// The CDX index answered with an error status or with lines that are not JSON CDX entries.
    public static var indexFailed: Self { "indexFailed" }
}

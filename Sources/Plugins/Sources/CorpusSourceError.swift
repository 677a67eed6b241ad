import ETLKit

/// Why the `corpus` source stopped (a ``CodedError``).
public struct CorpusSourceError: CodedError {
    public typealias Code = ErrorCode<CorpusSourceError>

    public let code: Code
    public let message: String
    /// The corpus file.
    public let path: String
    public let underlying: (any Error)?

    /// See ``ErrorCode/unreadable``.
    public static func unreadable(path: String, reason: String, underlying: (any Error)? = nil) -> CorpusSourceError {
        CorpusSourceError(code: .unreadable, message: "cannot read \(path): \(reason)", path: path, underlying: underlying)
    }
}

extension ErrorCode where Domain == CorpusSourceError {
    /// The corpus file could not be read.
    public static var unreadable: Self { "unreadable" }
}

import ETLKit

/// Why the `dedup` transform could not run (a ``CodedError``).
public struct DedupError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<DedupError>

    public let code: Code
    public let message: String
    /// The state file.
    public let path: String
    /// The SQLite or file error, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/stateFailed``.
    public static func stateFailed(path: String, reason: String, underlying: (any Error)? = nil) -> DedupError {
        DedupError(code: .stateFailed, message: "dedup state \(path): \(reason)", path: path, underlying: underlying)
    }

    /// The dedup state's trouble, not the page's.
    public var isPermanent: Bool { false }
}

extension ErrorCode where Domain == DedupError {
    /// The state file could not be opened, read or written.
    public static var stateFailed: Self { "stateFailed" }
}

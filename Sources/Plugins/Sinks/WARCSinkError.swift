import ETLKit

/// Why the `warc` sink could not write (a ``CodedError``).
public struct WARCSinkError: CodedError {
    public typealias Code = ErrorCode<WARCSinkError>

    public let code: Code
    public let message: String
    /// The WARC file.
    public let path: String
    /// The file error, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/cannotOpen``.
    public static func cannotOpen(path: String, reason: String, underlying: (any Error)? = nil) -> WARCSinkError {
        WARCSinkError(code: .cannotOpen, message: "cannot create \(path): \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/writeFailed``.
    public static func writeFailed(path: String, reason: String, underlying: (any Error)? = nil) -> WARCSinkError {
        WARCSinkError(code: .writeFailed, message: "cannot write \(path): \(reason)", path: path, underlying: underlying)
    }
}

extension ErrorCode where Domain == WARCSinkError {
    /// The WARC file could not be created.
    public static var cannotOpen: Self { "cannotOpen" }
    /// Writing records to the WARC file, or finishing it, failed.
    public static var writeFailed: Self { "writeFailed" }
}

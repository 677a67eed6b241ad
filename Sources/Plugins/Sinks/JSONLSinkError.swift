import ETLKit

/// Why the `jsonl` sink failed (a ``CodedError``).
public struct JSONLSinkError: CodedError {
    public typealias Code = ErrorCode<JSONLSinkError>

    public let code: Code
    public let message: String
    /// The JSON Lines file.
    public let path: String
    /// The file or index error, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/cannotOpen``.
    public static func cannotOpen(path: String, reason: String, underlying: (any Error)? = nil) -> JSONLSinkError {
        JSONLSinkError(code: .cannotOpen, message: "cannot open \(path) for writing: \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/writeFailed``; `records` is how many records the batch held.
    public static func writeFailed(path: String, records: Int, reason: String, underlying: (any Error)? = nil) -> JSONLSinkError {
        JSONLSinkError(
            code: .writeFailed, message: "cannot write \(records) record\(records == 1 ? "" : "s") to \(path): \(reason)", path: path,
            underlying: underlying)
    }

    /// See ``ErrorCode/cannotReplace``.
    public static func cannotReplace(path: String, reason: String, underlying: (any Error)? = nil) -> JSONLSinkError {
        JSONLSinkError(code: .cannotReplace, message: "cannot replace \(path) with the new file: \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/notOpen``.
    public static func notOpen(path: String) -> JSONLSinkError {
        JSONLSinkError(code: .notOpen, message: "the JSON Lines sink for \(path) is not open", path: path, underlying: nil)
    }
}

extension ErrorCode where Domain == JSONLSinkError {
    /// The file (or its directory) could not be created or opened.
    public static var cannotOpen: Self { "cannotOpen" }
    /// Writing a batch of lines failed.
    public static var writeFailed: Self { "writeFailed" }
    /// The new file could not be put in place of the old one, which stays as it was.
    public static var cannotReplace: Self { "cannotReplace" }
    /// ``JSONLSink/write(_:)`` was called before ``JSONLSink/open(context:)`` or after ``JSONLSink/close()``.
    public static var notOpen: Self { "notOpen" }
}

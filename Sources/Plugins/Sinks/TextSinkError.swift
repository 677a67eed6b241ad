import ETLKit

/// Why the `text` sink failed (a ``CodedError``).
public struct TextSinkError: CodedError {
    public typealias Code = ErrorCode<TextSinkError>

    public let code: Code
    public let message: String
    /// The file, or the folder for ``ErrorCode/cannotOpen`` and ``ErrorCode/notOpen``; nil for
    /// ``ErrorCode/nothingToWrite``, a fault of the record.
    public let path: String?
    /// The file error, when there is one.
    public let underlying: (any Error)?

    /// See ``ErrorCode/cannotOpen``.
    public static func cannotOpen(directory: String, reason: String, underlying: (any Error)? = nil) -> TextSinkError {
        TextSinkError(code: .cannotOpen, message: "cannot use the folder \(directory): \(reason)", path: directory, underlying: underlying)
    }

    /// See ``ErrorCode/nothingToWrite``.
    public static func nothingToWrite(url: String) -> TextSinkError {
        TextSinkError(code: .nothingToWrite, message: "the record for \(url) has no title, lead or body to write as text", path: nil, underlying: nil)
    }

    /// See ``ErrorCode/symbolicLink``.
    public static func symbolicLink(path: String) -> TextSinkError {
        TextSinkError(code: .symbolicLink, message: "refusing to write \(path): it is a symbolic link", path: path, underlying: nil)
    }

    /// See ``ErrorCode/notRegularFile``.
    public static func notRegularFile(path: String) -> TextSinkError {
        TextSinkError(code: .notRegularFile, message: "cannot write \(path): something other than a file has that name", path: path, underlying: nil)
    }

    /// See ``ErrorCode/writeFailed``.
    public static func writeFailed(path: String, reason: String, underlying: (any Error)? = nil) -> TextSinkError {
        TextSinkError(code: .writeFailed, message: "cannot write \(path): \(reason)", path: path, underlying: underlying)
    }

    /// See ``ErrorCode/notOpen``.
    public static func notOpen(directory: String) -> TextSinkError {
        TextSinkError(code: .notOpen, message: "the text sink for \(directory) is not open", path: directory, underlying: nil)
    }
}

extension ErrorCode where Domain == TextSinkError {
    /// The directory could not be created or read.
    public static var cannotOpen: Self { "cannotOpen" }
    /// The record has no title, lead or body.
    public static var nothingToWrite: Self { "nothingToWrite" }
    /// The target name is a symbolic link; the sink does not write through links.
    public static var symbolicLink: Self { "symbolicLink" }
    /// The target name is a folder (a device or a pipe is written in place, see ``OutputFile``).
    public static var notRegularFile: Self { "notRegularFile" }
    /// Writing or renaming the file failed.
    public static var writeFailed: Self { "writeFailed" }
    /// ``TextSink/write(_:)`` was called before ``TextSink/open(context:)`` or after ``TextSink/close()``.
    public static var notOpen: Self { "notOpen" }
}

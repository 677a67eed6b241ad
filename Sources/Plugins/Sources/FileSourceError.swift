import ETLKit

/// Why the `files` source stopped (a ``CodedError``).
public struct FileSourceError: CodedError {
    public typealias Code = ErrorCode<FileSourceError>

    public let code: Code
    public let message: String
    /// The glob pattern.
    public let pattern: String

    /// See ``ErrorCode/noMatch``.
    public static func noMatch(pattern: String, directory: String) -> FileSourceError {
        let place = pattern.hasPrefix("/") ? "" : " in \(directory)"
        return FileSourceError(code: .noMatch, message: "no files match \"\(pattern)\"\(place) (set \"allowEmpty\": true to accept that)", pattern: pattern)
    }

    /// See ``ErrorCode/globFailed``.
    public static func globFailed(pattern: String, reason: String) -> FileSourceError {
        FileSourceError(code: .globFailed, message: "cannot expand \"\(pattern)\": \(reason)", pattern: pattern)
    }
}

extension ErrorCode where Domain == FileSourceError {
    /// A pattern matched no file, and `allowEmpty` is false.
    public static var noMatch: Self { "noMatch" }
    /// `glob(3)` failed.
    public static var globFailed: Self { "globFailed" }
}

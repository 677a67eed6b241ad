import ETLKit

/// Why the `warc` source failed (a ``CodedError``).
public struct WARCSourceError: CodedError {
    public typealias Code = ErrorCode<WARCSourceError>

    public let code: Code
    public let message: String

    /// See ``ErrorCode/unreadableFiles``; `failures` holds one reason per file.
    public static func unreadableFiles(_ failures: [String]) -> WARCSourceError {
        let files = "\(failures.count) WARC file\(failures.count == 1 ? "" : "s")"
        return WARCSourceError(code: .unreadableFiles, message: "\(files) could not be read to the end: " + failures.joined(separator: "; "))
    }
}

extension ErrorCode where Domain == WARCSourceError {
    /// Files that could not be read to their end (their readable records were sent).
    public static var unreadableFiles: Self { "unreadableFiles" }
}

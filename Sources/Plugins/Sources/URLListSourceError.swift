import ETLKit

/// Why the `urls` source stopped (a ``CodedError``).
public struct URLListSourceError: CodedError {
    public typealias Code = ErrorCode<URLListSourceError>

    public let code: Code
    public let message: String
    /// The URL list file.
    public let file: String
    /// The number of the bad line (``ErrorCode/badLine``), else nil.
    public let line: Int?
    /// The text of the bad line (``ErrorCode/badLine``), else nil.
    public let text: String?
    public let underlying: (any Error)?

    /// See ``ErrorCode/unreadableFile``.
    public static func unreadableFile(file: String, reason: String, underlying: (any Error)? = nil) -> URLListSourceError {
        URLListSourceError(
            code: .unreadableFile, message: "cannot read the URL list \(file): \(reason)", file: file, line: nil, text: nil, underlying: underlying)
    }

    /// See ``ErrorCode/badLine``; `problem` completes "it …".
    public static func badLine(file: String, line: Int, text: String, problem: String) -> URLListSourceError {
        URLListSourceError(code: .badLine, message: "\(file):\(line): bad URL \"\(text)\": it \(problem)", file: file, line: line, text: text, underlying: nil)
    }
}

extension ErrorCode where Domain == URLListSourceError {
    /// The URL list file could not be opened or read.
    public static var unreadableFile: Self { "unreadableFile" }
    /// A line of the URL list file is not an acceptable URL.
    public static var badLine: Self { "badLine" }
}

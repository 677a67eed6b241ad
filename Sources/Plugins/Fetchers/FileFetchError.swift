import ETLKit

/// Why the `file` fetcher could not read a file; the message becomes the dead-letter reason (a
/// ``CodedError``).
public struct FileFetchError: CodedError, Equatable, FailureClassifying {
    public typealias Code = ErrorCode<FileFetchError>

    public let code: Code
    public let message: String
    /// The path the error is about, or the URL for ``ErrorCode/invalidURL``.
    public let path: String

    /// An error about `path` whose message is "cannot read `path`: `reason`".
    private init(_ code: Code, path: String, saying reason: String) {
        self.code = code
        self.path = path
        message = "cannot read \(path): \(reason)"
    }

    /// See ``ErrorCode/invalidURL``.
    public static func invalidURL(_ url: String) -> FileFetchError {
        FileFetchError(.invalidURL, path: url, saying: "not a local file URL")
    }

    /// See ``ErrorCode/notFound``.
    public static func notFound(path: String) -> FileFetchError {
        FileFetchError(.notFound, path: path, saying: "no such file")
    }

    /// See ``ErrorCode/isDirectory``.
    public static func isDirectory(path: String) -> FileFetchError {
        FileFetchError(.isDirectory, path: path, saying: "it is a directory")
    }

    /// See ``ErrorCode/tooLarge``; `size` is nil when the file was found too large while reading.
    public static func tooLarge(path: String, size: Int?, limit: Int) -> FileFetchError {
        let over = size.map { "\($0) bytes is over" } ?? "over"
        return FileFetchError(.tooLarge, path: path, saying: "\(over) the limit of \(limit) bytes (option maxBytes)")
    }

    /// See ``ErrorCode/unreadable``.
    public static func unreadable(path: String, reason: String) -> FileFetchError {
        FileFetchError(.unreadable, path: path, saying: reason)
    }

    /// A missing file, a directory, a file over `maxBytes` or a URL that is no local path stay so;
    /// a file that could not be read (permissions, a busy disk) may be read next time, and so may
    /// any other code.
    public var isPermanent: Bool {
        [.invalidURL, .notFound, .isDirectory, .tooLarge].contains(code)
    }
}

extension ErrorCode where Domain == FileFetchError {
    /// The URL is a `file:` URL this fetcher cannot turn into a local path (a remote host, no path).
    public static var invalidURL: Self { "invalidURL" }
    /// Nothing exists at the path.
    public static var notFound: Self { "notFound" }
    /// The path is a directory.
    public static var isDirectory: Self { "isDirectory" }
    /// The file is larger than the `maxBytes` option.
    public static var tooLarge: Self { "tooLarge" }
    /// The file exists but could not be opened or read.
    public static var unreadable: Self { "unreadable" }
}

import ETLKit
import ETLText
import Foundation

/// The `file` fetcher: reads local pages named by a `file://` URL or a plain path.
///
/// The media type comes from the file's extension (`.html`, `.htm`, `.xhtml` → `text/html`,
/// `.xml` → `application/xml`, `.txt` → `text/plain`, `.json` → `application/json`, anything else
/// `text/html`, since saved web pages often have no extension). The charset comes from the `charset`
/// option when given, else from a byte-order mark or a `<meta>` declaration, else UTF-8; a
/// declaration the bytes are not in is replaced by the charset detected, with a warning, and bytes
/// that are text in no charset fail (see ``TextDecoding``). The response says status 200, the record's URL as final URL, and the size read.
public struct FileFetcher: Fetcher {
    public static let descriptor = PluginDescriptor(
        id: "file",
        kind: .fetcher,
        summary: "Reads local pages from file:// URLs and plain paths.",
        discussion: """
            The media type comes from the extension (.html/.htm/.xhtml, .xml, .txt, .json; anything \
            else is read as HTML). The charset is the `charset` option when given, else a byte-order \
            mark or a <meta charset> in the first 4 KB, else UTF-8. Bytes that are not in the declared \
            charset (a windows-1256 page that says utf-8) are read in the charset detected, with a \
            warning; bytes that are text in no charset fail.
            """,
        options: [Option.charset.spec, Option.maxBytes.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let charset: OptionKey<String?> = .string(
            "charset", "Decode every file with this charset (\"windows-1256\", \"utf-8\"), ignoring byte-order marks and <meta> declarations.")
        static let maxBytes: OptionKey<Int> = .integer(
            "maxBytes", minimum: 1, default: defaultMaxBytes, "Files larger than this many bytes fail instead of being read.")
    }

    /// 20 MiB: larger than any real web page, small enough to keep a run's memory bounded.
    public static let defaultMaxBytes = 20 * 1024 * 1024

    /// The charset label forced by the `charset` option, if any.
    public let forcedCharset: String?
    /// The largest file read.
    public let maxBytes: Int

    public var schemes: Set<String> { ["file"] }

    public init(options: PluginOptions) throws {
        if let charset = options[Option.charset] {
            guard TextDecoding.canonicalCharset(for: charset) != nil else {
                throw OptionError(option: Option.charset.name, "names a charset this system cannot decode: \"\(charset)\"")
            }
            forcedCharset = charset
        } else {
            forcedCharset = nil
        }
        maxBytes = options[Option.maxBytes]
        guard maxBytes >= 1 else { throw OptionError(option: Option.maxBytes.name, "must be at least 1") }
    }

    public func fetch(_ record: Record, context: RunContext) async throws -> Record {
        let started = ContinuousClock.now
        let path = try Self.path(of: record.url)
        let bytes = try read(path)
        let decoded = try TextDecoding.decode(bytes, forcedCharset: forcedCharset).checked(url: record.url, logger: context.logger)
        let mediaType = Self.mediaType(ofPath: path)
        let elapsed = ContinuousClock.now - started

        var record = record
        record.response = Response(
            finalURL: record.url,
            status: 200,
            headers: [
                (name: "content-type", value: "\(mediaType); charset=\(decoded.charset)"),
                (name: "content-length", value: String(bytes.count)),
            ],
            totalTime: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            bodySize: bytes.count
        )
        record.document = Document(text: decoded.text, mediaType: mediaType, charset: decoded.charset)
        return record
    }

    /// The local path a URL names: the percent-decoded path of a `file:` URL (host empty or
    /// `localhost`), or the string itself when it has no `file:` scheme.
    public static func path(of url: String) throws(FileFetchError) -> String {
        guard url.lowercased().hasPrefix("file:") else { return url }
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "file" else {
            throw .invalidURL(url)
        }
        let host = components.host ?? ""
        guard host.isEmpty || host.lowercased() == "localhost" else {
            throw .invalidURL(url)
        }
        let path = components.percentEncodedPath.removingPercentEncoding ?? components.path
        guard !path.isEmpty else { throw .invalidURL(url) }
        return path
    }

    /// The media type a file's extension implies.
    public static func mediaType(ofPath path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "text/html" }
        switch name[name.index(after: dot)...].lowercased() {
        case "html", "htm", "xhtml": return "text/html"
        case "xml": return "application/xml"
        case "txt": return "text/plain"
        case "json": return "application/json"
        default: return "text/html"
        }
    }

    /// Reads at most `maxBytes + 1` bytes, so that a file that grows, or a device such as `/dev/zero`,
    /// cannot fill memory: one byte over the limit is enough to know the file is too large.
    private func read(_ path: String) throws(FileFetchError) -> [UInt8] {
        guard let file = POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC) else {
            if errno == ENOENT || errno == ENOTDIR { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: POSIXFile.lastError)
        }
        defer { _ = POSIXFile.close(file) }
        guard let kind = POSIXFile.kind(of: file) else { throw .unreadable(path: path, reason: POSIXFile.lastError) }
        guard !kind.isDirectory else { throw .isDirectory(path: path) }
        if let size = kind.regularFileSize, size > maxBytes {
            throw .tooLarge(path: path, size: size, limit: maxBytes)
        }
        guard let bytes = POSIXFile.read(file, upTo: maxBytes + 1, expected: kind.regularFileSize ?? 64 * 1024) else {
            throw .unreadable(path: path, reason: POSIXFile.lastError)
        }
        guard bytes.count <= maxBytes else { throw .tooLarge(path: path, size: nil, limit: maxBytes) }
        return bytes
    }
}

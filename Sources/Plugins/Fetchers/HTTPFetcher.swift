import ETLKit

/// The `http` fetcher: fetches `http` and `https` URLs with libcurl's multi interface.
///
/// Transfers run on one dedicated thread (see ``CurlMultiClient``), at most `concurrency` at once and
/// at most `perHost` at once per host; queued requests wait in the fetcher's own queue, so timeouts
/// measure only the transfer. Redirects are followed (http and https only), every compression
/// libcurl knows is accepted, and bodies are capped at `maxBytes` after decompression. A 2xx response
/// succeeds; any other status, a network failure, a timeout, too many redirects, an oversized body or
/// a binary media type throws ``HTTPFetchError``, which sends the record to the dead-letter sink.
/// The body is decoded with ``TextDecoding``: a byte-order mark, else the Content-Type charset, else
/// a `<meta>` declaration, else UTF-8.
///
/// Building the fetcher only checks its options; the client starts its thread at the first fetch
/// and lets it go when idle.
public struct HTTPFetcher: Fetcher {
    public static let descriptor = PluginDescriptor(
        id: "http",
        kind: .fetcher,
        summary: "Fetches http and https URLs with libcurl: concurrency and per-host limits, timeouts, redirects, compression, size caps, charset decoding.",
        discussion: """
            A 2xx response succeeds; any other status, a network failure, a timeout, too many \
            redirects, a body over maxBytes or a binary media type (images, audio, video, PDF, \
            archives) sends the record to the dead-letter sink with the reason. The body is decoded \
            to Unicode by its byte-order mark, else the Content-Type charset, else a <meta> \
            declaration, else as UTF-8; windows-1256 and other legacy charsets are supported.
            """,
        options: [
            OptionSpec("concurrency", .integer(minimum: 1, maximum: 1024), default: .integer(32), "Transfers in progress at once, all hosts together."),
            OptionSpec("perHost", .integer(minimum: 1, maximum: 64), default: .integer(2), "Transfers in progress at once to one host; further requests to the host wait in a queue that timeouts do not count."),
            OptionSpec("connectTimeout", .number(minimum: 0.001), default: .number(10), "Seconds allowed to open a connection."),
            OptionSpec("timeout", .number(minimum: 0.001), default: .number(30), "Seconds allowed for a whole transfer, redirects included."),
            OptionSpec("maxRedirects", .integer(minimum: 0, maximum: 100), default: .integer(10), "Redirects followed before the fetch fails; a redirect loop fails here too."),
            OptionSpec("maxBytes", .integer(minimum: 1), default: .integer(defaultMaxBytes), "Largest body accepted, in bytes after decompression; a larger one fails the fetch."),
            OptionSpec("userAgent", .string, default: .string(defaultUserAgent), "The User-Agent header sent with every request."),
            OptionSpec("headers", .stringMap, default: .object([:]), "Extra request headers, name to value; they replace the defaults of the same name (such as Accept)."),
        ]
    )

    /// 20 MiB: larger than any real web page, small enough to keep a run's memory bounded.
    public static let defaultMaxBytes = 20 * 1024 * 1024
    public static let defaultUserAgent = "etl/0.1 (+https://github.com/etl-project/etl)"
    /// Request headers sent unless the `headers` option names them.
    static let defaultHeaders: [(name: String, value: String)] = [
        (name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
    ]

    public var schemes: Set<String> { ["http", "https"] }

    private let client: CurlMultiClient

    public init(options: PluginOptions) throws {
        var configuration = CurlMultiClient.Configuration()
        configuration.concurrency = try Self.integer(options, "concurrency", default: 32, minimum: 1)
        configuration.perHost = try Self.integer(options, "perHost", default: 2, minimum: 1)
        configuration.connectTimeout = try Self.seconds(options, "connectTimeout", default: 10)
        configuration.timeout = try Self.seconds(options, "timeout", default: 30)
        configuration.maxRedirects = try Self.integer(options, "maxRedirects", default: 10, minimum: 0)
        configuration.maxBytes = try Self.integer(options, "maxBytes", default: Self.defaultMaxBytes, minimum: 1)
        let userAgent = options.string("userAgent") ?? Self.defaultUserAgent
        guard !Self.containsLineBreak(userAgent) else {
            throw OptionError(option: "userAgent", "must not contain a line break")
        }
        configuration.userAgent = userAgent
        configuration.headerLines = try Self.headerLines(options.stringMap("headers") ?? [:])
        configuration.isUnwantedMediaType = Self.isBinaryMediaType
        client = CurlMultiClient(configuration: configuration)
    }

    public func fetch(_ record: Record, context: RunContext) async throws -> Record {
        let result = try await client.get(record.url)
        guard (200..<300).contains(result.status) else {
            throw HTTPFetchError.httpStatus(url: record.url, finalURL: result.finalURL, status: result.status)
        }
        let contentType = result.headers.last { $0.name == "content-type" }?.value
        let mediaType = contentType.flatMap(TextDecoding.mediaType(ofContentType:))
        // The client stops binary bodies at their first bytes; an empty one arrives here.
        if let mediaType, Self.isBinaryMediaType(mediaType) {
            throw HTTPFetchError.unsupportedMediaType(url: record.url, mediaType: mediaType)
        }
        let decoded = TextDecoding.decode(result.body, contentType: contentType)
        var record = record
        record.response = Response(
            finalURL: result.finalURL,
            status: result.status,
            headers: result.headers,
            totalTime: result.totalTime,
            bodySize: result.body.count
        )
        record.document = Document(text: decoded.text, mediaType: mediaType, charset: decoded.charset)
        return record
    }

    /// Media types no text step can use: images, audio, video, PDF, archives and unnamed binaries.
    /// Anything else (HTML, XML, JSON, plain text, unknown text-like types) is decoded.
    public static func isBinaryMediaType(_ mediaType: String) -> Bool {
        let binaryPrefixes = ["image/", "audio/", "video/", "font/"]
        let binaryTypes: Set<String> = [
            "application/pdf", "application/zip", "application/gzip", "application/x-gzip",
            "application/x-tar", "application/x-7z-compressed", "application/x-rar-compressed",
            "application/vnd.rar", "application/octet-stream",
        ]
        return binaryTypes.contains(mediaType) || binaryPrefixes.contains { mediaType.hasPrefix($0) }
    }

    // MARK: Options

    /// An integer option; the loader has checked the declared range, this checks again for fetchers
    /// built directly from code.
    private static func integer(_ options: PluginOptions, _ name: String, default defaultValue: Int, minimum: Int) throws -> Int {
        let value = options.integer(name) ?? defaultValue
        guard value >= minimum else { throw OptionError(option: name, "must be at least \(minimum)") }
        return value
    }

    private static func seconds(_ options: PluginOptions, _ name: String, default defaultValue: Double) throws -> Double {
        let value = options.double(name) ?? defaultValue
        guard value > 0, value <= 86_400 else { throw OptionError(option: name, "must be more than 0 and at most 86400 seconds") }
        return value
    }

    /// `Name: value` lines: the defaults, replaced or joined by the option's headers (names compared
    /// without case). Names must be HTTP tokens and values single lines.
    private static func headerLines(_ extra: [String: String]) throws -> [String] {
        var lines: [String] = []
        let extraNames = Set(extra.keys.map { $0.lowercased() })
        for header in defaultHeaders where !extraNames.contains(header.name.lowercased()) {
            lines.append("\(header.name): \(header.value)")
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(isTokenCharacter) else {
                throw OptionError(option: "headers", "has an invalid header name: \"\(name)\"")
            }
            guard !containsLineBreak(value) else {
                throw OptionError(option: "headers", "has a line break in the value of \"\(name)\"")
            }
            // "Name;" is libcurl's way to send a header with an empty value ("Name:" removes it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        return lines
    }

    /// RFC 9110 token characters.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F else { return false }
        return !"\"(),/:;<=>?@[\\]{}".unicodeScalars.contains(scalar)
    }

    private static func containsLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }
}

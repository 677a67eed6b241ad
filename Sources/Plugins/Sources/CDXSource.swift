import ETLKit
import Foundation
import Logging

/// Source `cdx`: the archived pages a CDX index server lists for a URL pattern, each read from its
/// WARC file with one HTTP range request (its `offset` and `length`), not the whole file: how a
/// few sites' pages are taken from Common Crawl (its index server, `index.commoncrawl.org`, and its
/// files on `data.commoncrawl.org`) or from a local pywb.
///
/// The server is asked `SERVER?url=…&output=json` (with `matchType`, each `filters` entry as a
/// `filter=`, `limit`, and `page=` for each of `pages`), which pywb and Common Crawl's server answer
/// with one JSON object per line (`url`, `filename`, `offset`, `length`, `status`, `mime`, …). Each
/// line with a 2xx status is read from `archive` + `filename` (or `filename` itself when it is an
/// http(s) URL; any other scheme is refused: the answer is remote content) and becomes a record as
/// the `warc` source makes one. Every request (the index, each record) goes through the `http`
/// fetcher's machinery: `delay` between two requests to a host (1 s by default: be polite to
/// Common Crawl), robots.txt, retries, and the address checks.
public struct CDXSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "cdx",
        kind: .source,
        summary: "Archived pages a CDX index server (Common Crawl's, pywb) lists for a URL pattern, each read with one HTTP range request.",
        discussion: """
            Asks SERVER?url=URL&output=json (matchType, filter=…, limit, page=…) and reads each \
            listed record with a range request (offset, length) from archive + filename, at most one \
            request per delay seconds per host. Lines whose status is not 2xx (revisits, redirects, \
            errors) are skipped and counted. Example, two news sites' pages of one Common Crawl \
            crawl: { "use": "cdx", "server": "https://index.commoncrawl.org/CC-MAIN-2024-33-index", \
            "url": "*.example.ir", "filters": ["=status:200", "mime:text/html"] }.
            """,
        options: [
            Option.server.spec, Option.url.spec, Option.matchType.spec, Option.filters.spec, Option.limit.spec, Option.pages.spec,
            Option.archive.spec, Option.mediaTypes.spec, Option.maxBytes.spec,
        ]
            + HTTPFetcher.sourceOptions(timeout: 120, documents: "index page or record")
    )

    /// Common Crawl's files.
    public static let defaultArchive = "https://data.commoncrawl.org/"
    /// The largest index answer read (one page).
    static let maxIndexBytes = 64 << 20

    let server: String
    let pattern: String
    let matchType: String?
    let filters: [String]
    let limit: Int?
    let pages: Int
    let archive: String
    let mediaTypes: [String]
    public let maxBytes: Int
    private let fetcher: HTTPFetcher

    /// No fetch: the records carry their document.
    public var urlSchemes: Set<String>? { [] }
    public var carriesExchanges: Bool { true }

    /// The options, each declared once (``OptionKey``); the download options are the `http` fetcher's.
    enum Option {
        static let server: OptionKey<String?> = .string(
            "server", required: true,
            "The CDX server's endpoint, such as \"https://index.commoncrawl.org/CC-MAIN-2024-33-index\" or a pywb collection's \"http://localhost:8080/my-web-archive/cdx\"."
        )
        static let url: OptionKey<String?> = .string("url", required: true, "The URL or pattern asked for: \"example.ir/news/*\", \"*.example.ir\".")
        static let matchType = OptionKey<String?>(
            OptionSpec(
                "matchType", .choice(["exact", "prefix", "host", "domain"]), "How the server matches url (its default when not given: a pattern's own)."),
            fallback: nil
        ) { $0.stringValue }
        static let filters: OptionKey<[String]> = .strings("filters", "CDX filters sent as filter=…, such as \"=status:200\" or \"mime:text/html\".")
        static let limit: OptionKey<Int?> = .integer("limit", minimum: 1, "Most index lines asked for (the server's limit=).")
        static let pages: OptionKey<Int> = .integer(
            "pages", minimum: 1, maximum: 10_000, default: 1,
            "Result pages asked for (page=0, 1, …; Common Crawl's server pages large answers); stops at the first empty one.")
        static let archive: OptionKey<String> = .string(
            "archive", default: defaultArchive, "What a relative filename is appended to: where the WARC files are served.")
        static let mediaTypes: OptionKey<[String]> = .strings(
            "mediaTypes", default: ["text/html", "application/xhtml+xml"], "Media types of the pages sent, as the warc source's option.")
        static let maxBytes: OptionKey<Int> = .integer(
            "maxBytes", minimum: 1, default: HTTPFetcher.defaultMaxBytes, "Largest record read, and largest body once decoded; larger ones are skipped.")
    }

    public init(options: PluginOptions) throws {
        server = options[Option.server] ?? ""
        guard Self.isWeb(server) else {
            throw OptionError(option: Option.server.name, "must be an http(s) URL, such as \"https://index.commoncrawl.org/CC-MAIN-2024-33-index\"")
        }
        pattern = options[Option.url] ?? ""
        guard !pattern.isEmpty else { throw OptionError(option: Option.url.name, "must name a URL or pattern, such as \"example.ir/news/*\"") }
        matchType = options[Option.matchType]
        filters = options[Option.filters]
        limit = options[Option.limit]
        pages = options[Option.pages]
        archive = options[Option.archive]
        guard Self.isWeb(archive) else { throw OptionError(option: Option.archive.name, "must be an http(s) URL") }
        mediaTypes = options[Option.mediaTypes].map { $0.lowercased() }
        maxBytes = options[Option.maxBytes]
        fetcher = try HTTPFetcher(sourceOptions: options, defaultTimeout: 120, maxBytes: max(Self.maxIndexBytes, maxBytes))
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        var reading = WARCArchiveReading(source: Self.descriptor.id, filter: self, context: context)
        let open: (String, Int) throws(WARCReadError) -> any WARCByteInput = { [fetcher] url, offset throws(WARCReadError) in
            WARCRemoteInput(url: url, fetcher: fetcher, context: context, offset: offset)
        }
        var skipped = 0
        var failures: [String] = []
        var lines = 0
        for page in 0..<pages {
            let entries = try await indexPage(page, context: context)
            if entries.isEmpty { break }
            for entry in entries {
                lines += 1
                guard let location = entry.location(archive: archive) else {
                    skipped += 1
                    continue
                }
                let input = WARCRemoteInput(
                    url: location.url, fetcher: fetcher, context: context, offset: location.offset,
                    length: location.length, rangeSize: location.length)
                do {
                    try await reading.read(input, name: location.url, into: output, open: open)
                } catch let error as WARCReadError {
                    context.logger.error("cdx: \(error)")
                    failures.append(error.description)
                }
            }
        }
        context.logger.notice("cdx: \(lines) index lines for \(pattern), \(skipped) skipped (not 2xx, or no usable file, offset and length)")
        reading.counts.log(to: context.logger, files: lines - skipped)
        if !failures.isEmpty { throw WARCSourceError.unreadableFiles(failures) }
    }

    /// The index lines of one result page.
    func indexPage(_ page: Int, context: RunContext) async throws -> [CDXEntry] {
        let url = queryURL(page: page)
        let result = try await fetcher.download(url, context: context)
        // Past the last page Common Crawl's server answers 400 or 404: the end, once a page was read.
        if page > 0, (400..<500).contains(result.status) { return [] }
        guard (200..<300).contains(result.status) else {
            throw CDXSourceError.indexFailed(url: url, reason: "HTTP status \(result.status): \(String(decoding: result.body.prefix(200), as: UTF8.self))")
        }
        var entries: [CDXEntry] = []
        for line in result.body.split(separator: 0x0A) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
            guard let entry = CDXEntry(json: Array(line)) else {
                throw CDXSourceError.indexFailed(
                    url: url, reason: "a line is not a JSON CDX entry: \(String(decoding: line.prefix(120), as: UTF8.self)) (is output=json supported?)")
            }
            entries.append(entry)
        }
        return entries
    }

    /// `server?url=…&output=json…`, each value percent-encoded.
    func queryURL(page: Int) -> String {
        var parameters = [("url", pattern), ("output", "json")]
        if let matchType { parameters.append(("matchType", matchType)) }
        for filter in filters { parameters.append(("filter", filter)) }
        if let limit { parameters.append(("limit", String(limit))) }
        if pages > 1 { parameters.append(("page", String(page))) }
        let query = parameters.map { "\($0)=\(Self.percentEncoded($1))" }.joined(separator: "&")
        return server + (server.contains("?") ? "&" : "?") + query
    }

    private static func percentEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~*/:")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func isWeb(_ url: String) -> Bool {
        let lowercased = url.lowercased()
        return lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://")
    }
}

extension CDXSource: WARCPageFilter {
    func accepts(url: String) -> Bool { Self.isWeb(url) }

    func accepts(mediaType: String?) -> Bool {
        guard let mediaType else { return mediaTypes.contains("*") }
        if HTTPFetcher.isBinaryMediaType(mediaType) { return false }
        return mediaTypes.contains { wanted in
            wanted == "*" || wanted == mediaType || (wanted.hasSuffix("/*") && mediaType.hasPrefix(wanted.dropLast()))
        }
    }
}

/// One line of a CDX server's JSON answer: where a capture's record is.
struct CDXEntry: Sendable {
    var url: String
    var filename: String
    var offset: Int
    var length: Int
    /// The HTTP status as the index gives it (`"200"`, `"-"` for a revisit).
    var status: String

    init?(json: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] else { return nil }
        func text(_ key: String) -> String? {
            if let string = object[key] as? String { return string }
            if let number = object[key] as? Int { return String(number) }
            return nil
        }
        guard let filename = text("filename"), let offset = text("offset").flatMap(Int.init), let length = text("length").flatMap(Int.init) else {
            return nil
        }
        self.url = text("url") ?? ""
        self.filename = filename
        self.offset = offset
        self.length = length
        status = text("status") ?? ""
    }

    /// The record's file URL and byte range, or nil for a capture not read: a status other than
    /// 2xx, an empty range, or a file named by another scheme than http(s) (remote content may not
    /// lead to local files).
    func location(archive: String) -> (url: String, offset: Int, length: Int)? {
        guard status.hasPrefix("2"), offset >= 0, length > 0 else { return nil }
        if CDXSource.isWeb(filename) { return (filename, offset, length) }
        guard !filename.contains(":") else { return nil }
        let separator = archive.hasSuffix("/") || filename.hasPrefix("/") ? "" : "/"
        return (archive + separator + filename, offset, length)
    }
}

import ETLKit
import Foundation
import Logging

/// Source `warc`: the pages archived in WARC files, as records whose document is the archived body,
/// so that the pipeline's steps run on them with no fetch at all: re-extraction of a crawl with a
/// better extractor, or reading Common Crawl's files.
///
/// Each `response` record with a 2xx status (and each `resource` record) of an http(s) URL becomes
/// a record: `url` is its `WARC-Target-URI` (or, when the archive holds the redirects that led to
/// it, the URL they began at, with the target as the final URL, as a live fetch gives it), the
/// status and header fields are the stored ones, `fetchedAt` is `WARC-Date`, and the document is
/// the body decoded as the `http` fetcher decodes it (chunks, gzip, charset). A `revisit` record
/// is resolved to the record it repeats (by payload digest, or by URL for a 304) when the files
/// read hold it, before or after it; otherwise it is skipped and counted. `include`/`exclude`
/// filter by URL (regular expressions) and `mediaTypes` by the stored Content-Type.
///
/// Files: `glob` patterns of local `.warc` and `.warc.gz` files, and `urls` of remote ones, read
/// over http(s) a range at a time (``WARCRemoteInput``) with the politeness, robots.txt and address
/// checks of the `http` fetcher. Files are read one after the other, each in constant memory
/// (``WARCReader``). A file that cannot be read to its end is reported and the others still read;
/// the source then fails at the end, naming it, so the run's exit code says so. Counts (records
/// read, pages sent, filtered, revisits resolved and not) are logged at the end.
public struct WARCSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "warc",
        kind: .source,
        summary: "Pages archived in WARC files (local .warc/.warc.gz, or remote over http(s)), as records with their stored body: the steps run with no fetch.",
        discussion: """
            Each response record with a 2xx status and each resource record of an http(s) URL \
            becomes a record: url is WARC-Target-URI (or the first URL of the archived redirects \
            that led to it), fetchedAt is WARC-Date, status and header fields are the stored ones, \
            and the document is the stored body decoded like a fetched one. Revisit records are \
            resolved to the record they repeat when the files read hold it, otherwise skipped and \
            counted. Remote files are read a range at a time (8 MiB) with the http fetcher's \
            per-host delay, robots.txt and address checks. Example: { "use": "warc", "glob": \
            "archive/*.warc.gz", "include": ["/news/"] }.
            """,
        options: [Option.glob.spec, Option.urls.spec, Option.include.spec, Option.exclude.spec, Option.mediaTypes.spec, Option.maxBytes.spec]
            + HTTPFetcher.sourceOptions(timeout: 120, documents: "WARC file range")
    )

    let patterns: [String]
    let remoteURLs: [String]
    let include: [NSRegularExpression]
    let exclude: [NSRegularExpression]
    let mediaTypes: [String]
    let maxBytes: Int
    /// Downloads the remote files' ranges; nil without `urls`.
    private let fetcher: HTTPFetcher?
    /// The directory relative patterns start from (tests); nil for the current one.
    var baseDirectory: String?
    /// Bytes asked for per range request of a remote file (tests make it small).
    var rangeSize = WARCRemoteInput.defaultRangeSize

    public var urlSchemes: Set<String>? { [] }
    public var carriesExchanges: Bool { true }

    /// The options, each declared once (``OptionKey``); the download options are the `http` fetcher's.
    enum Option {
        static let glob: OptionKey<[String]> = .strings(
            "glob", "Local WARC files: glob patterns (`*`, `?`, `[…]`, `**`), such as \"out/warc/*.warc.gz\".")
        static let urls: OptionKey<[String]> = .strings("urls", "Remote WARC files: http(s) URLs, read a range at a time.")
        static let include: OptionKey<[String]> = .strings(
            "include", "Send only pages whose URL matches one of these regular expressions (all, when empty).")
        static let exclude: OptionKey<[String]> = .strings("exclude", "Never send pages whose URL matches one of these regular expressions.")
        static let mediaTypes: OptionKey<[String]> = .strings(
            "mediaTypes", default: ["text/html", "application/xhtml+xml"],
            "Media types of the pages sent (from the stored Content-Type); \"text/*\" for a whole type, \"*\" for all text.")
        static let maxBytes: OptionKey<Int> = .integer(
            "maxBytes", minimum: 1, default: HTTPFetcher.defaultMaxBytes,
            "Largest record block read, and largest body once decoded; larger ones are skipped and counted.")
    }

    public init(options: PluginOptions) throws {
        patterns = options[Option.glob]
        remoteURLs = options[Option.urls]
        guard !patterns.isEmpty || !remoteURLs.isEmpty else {
            throw OptionError(option: Option.glob.name, "and \"urls\" are both empty: name the WARC files to read")
        }
        for url in remoteURLs {
            let scheme = url.split(separator: ":", maxSplits: 1).first?.lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw OptionError(option: Option.urls.name, "has \"\(url)\", which is not an http(s) URL (local files go in \"glob\")")
            }
        }
        func expressions(_ key: OptionKey<[String]>) throws -> [NSRegularExpression] {
            try options[key].map { pattern in
                do {
                    return try NSRegularExpression(pattern: pattern)
                } catch {
                    throw OptionError(option: key.name, "has \"\(pattern)\", which is not a valid regular expression")
                }
            }
        }
        include = try expressions(Option.include)
        exclude = try expressions(Option.exclude)
        mediaTypes = options[Option.mediaTypes].map { $0.lowercased() }
        maxBytes = options[Option.maxBytes]
        fetcher =
            remoteURLs.isEmpty
            ? nil
            : try HTTPFetcher(sourceOptions: options, defaultTimeout: 120, maxBytes: WARCRemoteInput.defaultRangeSize + 1024)
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        var files: [String] = []
        if !patterns.isEmpty {
            var glob = try FileSource(options: PluginOptions(["glob": .array(patterns.map { .string($0) })]))
            glob.baseDirectory = baseDirectory
            files = try glob.matchingFileURLs().compactMap { URL(string: $0)?.path }
        }
        var reading = WARCArchiveReading(source: Self.descriptor.id, filter: self, context: context)
        var failures: [String] = []
        let open: (String, Int) throws(WARCReadError) -> any WARCByteInput = { name, offset throws(WARCReadError) in
            try input(for: name, context: context, offset: offset)
        }
        for name in files + remoteURLs {
            do {
                try await reading.read(try input(for: name, context: context), name: name, into: output, open: open)
            } catch let error as WARCReadError {
                context.logger.error("warc: \(error)")
                failures.append(error.description)
            }
        }
        do {
            try await reading.resolvePendingRevisits(into: output, open: open)
        } catch let error as WARCReadError {
            failures.append(error.description)
        }
        reading.counts.log(to: context.logger, files: files.count + remoteURLs.count)
        if !failures.isEmpty { throw WARCSourceError.unreadableFiles(failures) }
    }

    /// The bytes of a file or URL, from `offset`.
    private func input(for name: String, context: RunContext, offset: Int = 0) throws(WARCReadError) -> any WARCByteInput {
        if let fetcher, remoteURLs.contains(name) {
            return WARCRemoteInput(url: name, fetcher: fetcher, context: context, offset: offset, rangeSize: rangeSize)
        }
        return try WARCFileInput(path: name, offset: offset)
    }
}

extension WARCSource: WARCPageFilter {
    func accepts(url: String) -> Bool {
        let lowercased = url.lowercased()
        guard lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") else { return false }
        return (include.isEmpty || CrawlSource.matches(url, include)) && !CrawlSource.matches(url, exclude)
    }

    func accepts(mediaType: String?) -> Bool {
        guard let mediaType else { return mediaTypes.contains("*") }
        if HTTPFetcher.isBinaryMediaType(mediaType) { return false }
        return mediaTypes.contains { wanted in
            wanted == "*" || wanted == mediaType || (wanted.hasSuffix("/*") && mediaType.hasPrefix(wanted.dropLast()))
        }
    }
}

import ETLKit
import Logging

/// One source's reading of WARC files into records (``WARCPage``), with what must be remembered
/// across records and files: where each page's record is (for the `revisit` records that repeat
/// it), the redirects that led to a page, the revisits whose original is not found yet, and the
/// counts the source logs at the end.
struct WARCArchiveReading {
    /// Where a record can be read again.
    struct Location: Sendable {
        var file: String
        var offset: Int
    }

    /// What became of the records read.
    struct Counts: Sendable {
        var records = 0
        var sent = 0
        /// Left out by the URL or media-type filters, or not http(s).
        var filtered = 0
        var redirects = 0
        /// Responses with a status other than 2xx and 3xx redirects.
        var unsuccessful = 0
        var tooLarge = 0
        /// Records that are not a usable page (no target, no date, not HTTP) or whose body does not decode.
        var unusable = 0
        var revisitsResolved = 0
        var revisitsUnresolved = 0
        /// `request`, `metadata`, `warcinfo` and other records.
        var otherRecords = 0

        func log(to logger: Logger, files: Int) {
            logger.notice(
                """
                warc: \(files) file\(files == 1 ? "" : "s"), \(records) records read: \(sent) pages sent, \(filtered) filtered out, \
                \(redirects) redirects, \(unsuccessful) not 2xx, \(tooLarge) too large, \(unusable) unusable, \
                \(revisitsResolved) revisits resolved, \(revisitsUnresolved) revisits skipped (their original is not in the files read), \
                \(otherRecords) request/metadata/other records
                """)
        }
    }

    let source: String
    let filter: any WARCPageFilter
    let context: RunContext
    /// Whether records keep their stored bytes (a `warc` sink of the run writes them again).
    let keepsExchanges: Bool
    private(set) var counts = Counts()
    private var byPayloadDigest: [String: Location] = [:]
    private var byURL: [String: Location] = [:]
    /// Redirect targets to the URL their redirects began at.
    private var redirectedFrom: [String: String] = [:]
    private var pendingRevisits: [(fields: WARCFields, foundIn: String)] = []

    init(source: String, filter: any WARCPageFilter, context: RunContext) {
        self.source = source
        self.filter = filter
        self.context = context
        keepsExchanges = context.services.value { ExchangeRecording(isOn: false) }.isOn
    }

    /// Reads every record of one file and sends its pages. `open` opens a file again at an offset
    /// (a revisit's original).
    mutating func read(
        _ input: any WARCByteInput, name: String, into output: RecordOutput,
        open: (String, Int) throws(WARCReadError) -> any WARCByteInput
    ) async throws {
        let reader = WARCReader(input: input, source: name)
        while let entry = try await reader.next() {
            counts.records += 1
            let fields = entry.fields
            switch fields.type.flatMap(WARCRecord.Kind.init(rawValue:)) {
            case .response?, .resource?:
                guard let target = fields["WARC-Target-URI"], filter.accepts(url: Self.unbracketed(target)) else {
                    counts.filtered += 1
                    continue
                }
                guard entry.blockLength <= filter.maxBytes else {
                    counts.tooLarge += 1
                    continue
                }
                let block = try await reader.readBlock()
                let page: WARCPage
                do {
                    page = try WARCPage(fields: fields, block: block)
                } catch {
                    counts.unusable += 1
                    context.logger.debug("warc: \(name) at offset \(entry.offset): \(error.reason)")
                    continue
                }
                if let target = page.redirectTarget {
                    redirectedFrom[target] = redirectedFrom[page.url] ?? page.url
                    counts.redirects += 1
                    continue
                }
                guard (200..<300).contains(page.status) else {
                    counts.unsuccessful += 1
                    continue
                }
                let location = Location(file: name, offset: entry.offset)
                if let digest = fields["WARC-Payload-Digest"] { byPayloadDigest[digest] = location }
                byURL[page.url] = location
                try await send(page, foundIn: name, into: output)
            case .revisit?:
                guard let target = fields["WARC-Target-URI"], filter.accepts(url: Self.unbracketed(target)) else {
                    counts.filtered += 1
                    continue
                }
                if !(try await resolve(fields, foundIn: name, into: output, open: open)) {
                    pendingRevisits.append((fields, name))
                }
            default:
                counts.otherRecords += 1
            }
        }
    }

    /// Sends the revisits whose original came later in the files; counts the others as skipped.
    mutating func resolvePendingRevisits(into output: RecordOutput, open: (String, Int) throws(WARCReadError) -> any WARCByteInput) async throws {
        let pending = pendingRevisits
        pendingRevisits = []
        for (fields, foundIn) in pending where !(try await resolve(fields, foundIn: foundIn, into: output, open: open)) {
            counts.revisitsUnresolved += 1
        }
    }

    /// Sends a revisit as its original's page, when the files read so far hold the original:
    /// found by payload digest (identical-payload-digest) or by URL (server-not-modified).
    private mutating func resolve(
        _ fields: WARCFields, foundIn: String, into output: RecordOutput,
        open: (String, Int) throws(WARCReadError) -> any WARCByteInput
    ) async throws -> Bool {
        let profile = fields["WARC-Profile"].flatMap(WARCRecord.RevisitProfile.init(uri:))
        var location: Location?
        if profile != .serverNotModified, let digest = fields["WARC-Payload-Digest"] { location = byPayloadDigest[digest] }
        if location == nil, let url = fields["WARC-Refers-To-Target-URI"] ?? fields["WARC-Target-URI"] {
            location = byURL[Self.unbracketed(url)]
        }
        guard let location else { return false }
        let reader = WARCReader(input: try open(location.file, location.offset), source: location.file)
        guard let entry = try await reader.next() else { return false }
        let original: WARCPage
        do {
            original = try WARCPage(fields: entry.fields, block: try await reader.readBlock())
        } catch let error as WARCPage.Failure {
            context.logger.debug("warc: the original of a revisit in \(foundIn), \(location.file) at offset \(location.offset): \(error.reason)")
            return false
        }
        counts.revisitsResolved += 1
        try await send(WARCPage(revisit: fields, original: original), foundIn: foundIn, into: output)
        return true
    }

    /// Sends a page as a record, unless its media type is filtered out or its body does not decode.
    private mutating func send(_ page: WARCPage, foundIn: String, into output: RecordOutput) async throws {
        guard filter.accepts(mediaType: page.mediaType) else {
            counts.filtered += 1
            return
        }
        let record: Record
        do {
            record = try page.record(
                source: source, foundIn: foundIn, requestedURL: redirectedFrom[page.url], maxBytes: filter.maxBytes,
                keepingExchange: keepsExchanges, logger: context.logger)
        } catch {
            counts.unusable += 1
            context.logger.info("warc: \(page.url) in \(foundIn) is skipped: \(error)")
            return
        }
        try await output.send(record)
        counts.sent += 1
    }

    /// A URI without the angle brackets WARC/1.0's grammar puts around it.
    static func unbracketed(_ uri: String) -> String {
        uri.hasPrefix("<") && uri.hasSuffix(">") ? String(uri.dropFirst().dropLast()) : uri
    }
}

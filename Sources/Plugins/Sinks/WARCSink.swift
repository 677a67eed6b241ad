import ETLKit
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sink `warc`: the raw HTTP transfers of the fetched pages, in WARC/1.1 files (ISO 28500), the
/// format of web archives (Heritrix, wget, Common Crawl, warcio, pywb), so that a better extractor
/// can rebuild the corpus later without fetching anything again (the `warc` source reads them).
///
/// For each record the `http` fetcher fetched: a `response` record (status line, header fields and
/// body as received: still chunked, still gzip) and its `request` record, and the same pair for
/// each redirect on the way; for a page the state found unchanged (a 304, or a body that hashes as
/// before) a `revisit` record instead. Each file starts with a `warcinfo` record; with a `.gz`
/// name each record is its own gzip member. Records of other sources (`files`, `warc`, …) carry no
/// transfer and are not written: `etl validate` says so.
///
/// **Files.** `path` names the files with `{n}` where a five-digit counter goes:
/// `out/crawl-{n}.warc.gz` gives `crawl-00000.warc.gz`, `crawl-00001.warc.gz`, … A file is
/// closed once the next record would take it over `maxSize`, and the next one opened. A run never
/// writes over a file: it starts after the highest number already in the folder, so a crawl run
/// every day adds files that sort in the order they were written. No file is made before the first
/// record.
///
/// **Durability.** Each record is written with one `write(2)` as soon as the runner hands it over
/// (a failed write is cut away), so the runner's flush, after which it records pages as done in
/// its state, has nothing left to do. Unlike the `jsonl` sink's replaced output, a run that fails
/// keeps the records it wrote: they are pages its state already remembers as fetched, and the
/// archive is the only copy of them.
public actor WARCSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "warc",
        kind: .sink,
        summary: "Archives the raw HTTP transfers (request, response as received, redirects) in WARC/1.1 files, with revisit records for unchanged pages.",
        discussion: """
            Each fetched page becomes a response record (status line, header fields and body as \
            received, before decoding) and its request record, with WARC-Target-URI, WARC-Date, \
            WARC-Record-ID, WARC-IP-Address, WARC-Payload-Digest and WARC-Block-Digest (SHA-1, \
            base 32); each redirect on the way gives a pair too. A page the state found unchanged (a \
            304 to a conditional request, or a body that hashes as before) becomes a revisit \
            record. Each file starts with a warcinfo record; a name ending in .gz makes each record \
            its own gzip member. Files are rotated at maxSize, numbered after the highest number \
            already there, so they sort in the order written and a new run never overwrites one. \
            Only pages the http fetcher fetched have a transfer to archive: records of the files \
            source, for one, are not written.
            """,
        options: [Option.path.spec, Option.maxSize.spec]
    )

    /// 1 GB, Common Crawl's and Heritrix's usual size.
    public static let defaultMaxSize = 1_000_000_000
    /// Digits of the counter: names sort in order up to 99999 files.
    static let counterDigits = 5

    /// The path as given, with `{n}`.
    public nonisolated let path: String
    public nonisolated let maxSize: Int
    /// The folder, and the file name's parts before and after `{n}`.
    private nonisolated let folder: String?
    private nonisolated let namePrefix: String
    private nonisolated let nameSuffix: String
    /// Whether records are gzip members.
    public nonisolated let compresses: Bool

    private var writer: WARCWriter?
    private var descriptor: Int32 = -1
    /// The id of the current file's `warcinfo` record (`WARC-Warcinfo-ID` of the others).
    private var warcinfoID: String?
    /// The number of the next file to open.
    private var nextNumber = 0
    private var logger: Logger?
    /// Records given to the sink that had no transfer to archive.
    private var recordsWithoutTransfer = 0
    /// Every file this run wrote, in order (for the summary's log line and for tests).
    private(set) var writtenFiles: [String] = []

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let path: OptionKey<String?> = .string(
            "path", required: true,
            "The files to write, with {n} where their five-digit number goes, such as \"out/crawl-{n}.warc.gz\" (.warc.gz: gzip per record; .warc: uncompressed)."
        )
        static let maxSize: OptionKey<Int> = .integer(
            "maxSize", minimum: 1024, default: defaultMaxSize,
            "Bytes after which a file is closed and the next one begun (a record is never split; one larger than this fills a file alone).")
    }

    public init(options: PluginOptions) throws {
        guard let path = options[Option.path], !path.isEmpty else {
            throw OptionError(option: Option.path.name, "must name the files, such as \"out/crawl-{n}.warc.gz\"")
        }
        let name = OutputFile.fileName(of: path)
        guard let placeholder = name.range(of: "{n}") else {
            throw OptionError(option: Option.path.name, "has no {n} in its file name for the file's number, such as \"out/crawl-{n}.warc.gz\"")
        }
        guard name.components(separatedBy: "{n}").count == 2 else {
            throw OptionError(option: Option.path.name, "has {n} more than once in its file name")
        }
        guard name.hasSuffix(".warc") || name.hasSuffix(".warc.gz") else {
            throw OptionError(option: Option.path.name, "must end with .warc.gz (compressed) or .warc (uncompressed)")
        }
        self.path = path
        folder = OutputFile.parentDirectory(of: path)
        namePrefix = String(name[..<placeholder.lowerBound])
        nameSuffix = String(name[placeholder.upperBound...])
        compresses = name.hasSuffix(".gz")
        maxSize = options[Option.maxSize]
        guard maxSize >= 1024 else { throw OptionError(option: Option.maxSize.name, "must be at least 1024 bytes") }
    }

    public nonisolated var outputPath: String? { path }
    public nonisolated var archivesExchanges: Bool { true }

    public func open(context: RunContext) async throws {
        logger = context.logger
        do {
            try OutputFile.createParentDirectory(of: path)
        } catch {
            throw WARCSinkError.cannotOpen(path: path, reason: error.reason, underlying: error)
        }
        nextNumber = (highestNumberInFolder() ?? -1) + 1
    }

    public func write(_ record: Record) async throws {
        guard let response = record.response, let final = response.exchanges.last else {
            recordsWithoutTransfer += 1
            return
        }
        var records: [WARCRecord] = []
        for hop in response.exchanges.dropLast() {
            records += WARCExchangeRecords.responseAndRequest(hop, date: hop.receivedAt, warcinfoID: nil)
        }
        // The page's WARC-Date is its fetchedAt, so that a re-extraction gives the live run's value.
        records += WARCExchangeRecords.responseAndRequest(final, date: response.fetchedAt, warcinfoID: nil)
        try archive(records)
    }

    public func writeUnchanged(_ record: Record) async throws {
        guard let response = record.response, let final = response.exchanges.last else { return }
        let profile: WARCRecord.RevisitProfile = response.status == 304 ? .serverNotModified : .identicalPayloadDigest
        try archive(WARCExchangeRecords.revisitAndRequest(final, profile: profile, date: response.fetchedAt, warcinfoID: nil))
    }

    public func close() async throws {
        if recordsWithoutTransfer > 0 {
            logger?.notice("warc: \(recordsWithoutTransfer) records had no HTTP transfer to archive (not fetched by the http fetcher)")
        }
        if !writtenFiles.isEmpty {
            logger?.info("warc: wrote \(writtenFiles.joined(separator: ", "))")
        }
        try closeFile()
    }

    /// The records of a failed run stay: they are pages its state remembers as fetched.
    public func discard() async throws {
        try await close()
    }

    // MARK: Files

    /// Writes one page's records into the current file, or into a new one when they would take the
    /// current one over ``maxSize``. A page's records stay in one file.
    private func archive(_ records: [WARCRecord]) throws {
        if writer == nil { try openNextFile() }
        guard let writer else { return }
        var bytes: [UInt8] = []
        do {
            for var record in records {
                if let warcinfoID { record.fields.append("WARC-Warcinfo-ID", warcinfoID) }
                bytes += try writer.encoded(record)
            }
        } catch {
            throw WARCSinkError.writeFailed(path: writer.path, reason: error.reason, underlying: error)
        }
        // A file that holds more than its warcinfo is full; the page goes to the next one, with
        // that file's warcinfo id.
        if writer.size + bytes.count > maxSize, writer.recordCount > 1 {
            try closeFile()
            return try archive(records)
        }
        do {
            try writer.write(encoded: bytes)
        } catch {
            throw WARCSinkError.writeFailed(path: writer.path, reason: error.reason, underlying: error)
        }
    }

    /// Opens the next numbered file (never one that exists) and writes its `warcinfo` record.
    private func openNextFile() throws {
        while true {
            let number = nextNumber
            nextNumber += 1
            let name = namePrefix + Self.counter(number) + nameSuffix
            let filePath = folder.map { $0.hasSuffix("/") ? $0 + name : $0 + "/" + name } ?? name
            guard let descriptor = POSIXFile.open(filePath, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC) else {
                if errno == EEXIST { continue }  // made by another run since the folder was read
                throw WARCSinkError.cannotOpen(path: filePath, reason: POSIXFile.lastError)
            }
            self.descriptor = descriptor
            let writer = WARCWriter(path: filePath, descriptor: descriptor, compresses: compresses)
            let warcinfo = WARCExchangeRecords.warcinfo(fileName: name, date: Date())
            do {
                try writer.write(warcinfo)
            } catch {
                _ = POSIXFile.close(descriptor)
                throw WARCSinkError.writeFailed(path: filePath, reason: error.reason, underlying: error)
            }
            self.writer = writer
            warcinfoID = warcinfo.fields["WARC-Record-ID"]
            writtenFiles.append(filePath)
            return
        }
    }

    private func closeFile() throws {
        guard let writer else { return }
        self.writer = nil
        warcinfoID = nil
        if let reason = POSIXFile.close(descriptor) {
            throw WARCSinkError.writeFailed(path: writer.path, reason: reason)
        }
        descriptor = -1
    }

    /// The highest number of the files in the folder that ``path`` names, or nil for none.
    private nonisolated func highestNumberInFolder() -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder ?? ".")) ?? []
        return names.compactMap { name -> Int? in
            guard name.count > namePrefix.count + nameSuffix.count, name.hasPrefix(namePrefix), name.hasSuffix(nameSuffix) else { return nil }
            let digits = name.dropFirst(namePrefix.count).dropLast(nameSuffix.count)
            guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
            return Int(digits)
        }.max()
    }

    /// `number` with zeros in front, ``counterDigits`` digits at least.
    static func counter(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, counterDigits - digits.count)) + digits
    }
}

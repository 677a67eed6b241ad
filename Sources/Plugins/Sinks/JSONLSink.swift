import ETLKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sink `jsonl`: one JSON object per line (JSON Lines), the record's ``Record/output`` as compact
/// JSON with sorted keys and non-ASCII text kept as it is.
///
/// Lines are buffered and written every ``flushInterval`` records (or 1 MiB) and at ``close()``:
/// one system call per batch instead of one per record. The price is that a failed write is noticed
/// by the record that fills the batch, not by the one whose bytes failed, so the sink keeps the file
/// ending at a whole line: on a failed write it cuts the file back to its last complete batch, throws
/// for the record that triggered the write (the runner sends it to the dead letters), and keeps the
/// earlier records buffered to try again with the next batch or at ``close()``.
///
/// In `overwrite` mode a run writes a hidden file beside the target and renames it over the target
/// at ``close()`` (see ``OutputFile``): a run that fails, or is killed, leaves the last run's file as
/// it was. In `append` mode lines go to the end of the target itself. A path of `-` is standard
/// output (nothing to rename then).
public actor JSONLSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "jsonl",
        kind: .sink,
        summary: "Writes each record as one line of JSON (JSON Lines).",
        discussion: """
            The record's fields are written as compact JSON with sorted keys; Persian and other \
            non-ASCII text is written as UTF-8, not escaped. Parent directories are created. A run \
            writes a new file and replaces the old one only when it succeeds, so a failed run leaves \
            the last good file in place. With "mode": "append", a re-run adds to the file instead. \
            A path of "-" writes to standard output.
            """,
        options: [Option.path.spec, Option.mode.spec, Option.unique.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let path: OptionKey<String?> = .string(
            "path", required: true, "The file to write, such as \"out/articles.jsonl\", or \"-\" for standard output.")
        static let mode: OptionKey<Mode> = .choice(
            "mode", default: .overwrite, "\"overwrite\" replaces the file when the run succeeds; \"append\" adds to an existing one.")
        static let unique: OptionKey<String?> = .string(
            "unique",
            "A field (such as \"url\") whose value stands in the file once per version: a record whose line is already there, same value and same content, is not written again (a run replayed after a kill doubles nothing; the time of the fetch, fetchedAt, is not content); a record whose value is there with other content (an updated article) is written, and the last line of a value is its current version."
        )
    }

    /// What happens to a file that already exists.
    public enum Mode: String, Sendable, CaseIterable {
        /// The run writes a new file, which replaces the old one when the run succeeds.
        case overwrite
        /// New lines go after the existing ones.
        case append
    }

    /// How many records are buffered before they are written.
    static let flushInterval = 64
    /// How many bytes are buffered at most before they are written, whatever the record count.
    static let flushSize = 1 << 20

    public nonisolated let path: String
    public nonisolated let mode: Mode
    /// The field whose values are kept unique, if any.
    public nonisolated let uniqueField: String?
    /// The values of ``uniqueField`` written by this run, with the content digest of the last line
    /// that holds each (``contentDigest(_:)``).
    private var written: [String: String] = [:]
    /// In `append` mode, the values of the lines already in the file (``JSONLUniqueIndex``, beside it).
    private var index: JSONLUniqueIndex?
    /// Values written to the file and not yet recorded in ``index``.
    private var unindexed: [String: String] = [:]
    /// Whether recording in ``index`` failed this run (it is then rebuilt when next opened).
    private var indexIsStale = false

    /// The open output, nil before ``open(context:)`` and after ``close()``.
    private var output: OutputFile?
    /// The size of the file once everything written so far is in it: where a failed write is cut back to.
    private var committedSize: off_t = 0
    /// Lines not yet written.
    private var buffer: [UInt8] = []
    /// How many records ``buffer`` holds.
    private var bufferedRecords = 0

    public init(options: PluginOptions) throws {
        guard let path = options[Option.path], !path.isEmpty else {
            throw OptionError(option: Option.path.name, "must name a file, such as \"out/articles.jsonl\"")
        }
        self.path = path
        mode = options[Option.mode]
        uniqueField = options[Option.unique]
    }

    public nonisolated var outputPath: String? { writesToStandardOutput ? nil : path }

    /// Whether the sink writes to standard output (its path is `-`).
    public nonisolated var writesToStandardOutput: Bool { path == OutputFile.standardOutputPath }

    public func open(context: RunContext) async throws {
        let output: OutputFile
        do {
            if writesToStandardOutput {
                output = .standardOutput
            } else {
                try OutputFile.createParentDirectory(of: path)
                OutputFile.removeAbandonedFiles(in: OutputFile.parentDirectory(of: path))
                // Append mode also reads: it looks at the last byte of the existing file (below).
                output = mode == .append ? try .appending(to: path) : try .replacing(path)
            }
        } catch {
            throw JSONLSinkError.cannotOpen(path: path, reason: error.reason, underlying: error)
        }
        self.output = output
        let file = output.descriptor
        committedSize = 0
        buffer.reserveCapacity(Self.flushSize)

        if mode == .append && !output.isStandardOutput {
            let size = lseek(file, 0, SEEK_END)
            guard size >= 0 else {
                let reason = POSIXFile.lastError
                _ = output.close()
                self.output = nil
                throw JSONLSinkError.cannotOpen(path: path, reason: reason)
            }
            committedSize = size
            // A run killed in the middle of a write can leave a line without its end. Start on a new
            // line, so that the broken line stays one bad line instead of spoiling the next record too.
            var last: UInt8 = 0
            if size > 0, pread(file, &last, 1, size - 1) == 1, last != UInt8(ascii: "\n") {
                buffer.append(UInt8(ascii: "\n"))
                context.logger.warning("\(path) did not end with a line break; its last line is incomplete")
            }
            if let uniqueField {
                // The values already in the file come from the index beside it; it is rebuilt from
                // the file, line by line (the file may be gigabytes), only when it does not describe
                // the file as it is. An incomplete last line is skipped like any bad line.
                let path = self.path
                do {
                    index = try JSONLUniqueIndex(jsonlPath: path, fileSize: Int64(size)) { add in
                        guard size > 0 else { return }
                        var reader = try LineReader(path: path)
                        while let line = try reader.nextLine() {
                            if case .object(let fields)? = (try? JSONNodeParser.parse(bytes: Array(line)))?.value,
                                let value = fields[uniqueField]?.plainText
                            {
                                try add(value, Self.contentDigest(fields))
                            }
                        }
                    }
                    if index?.wasRebuilt == true && size > 0 {
                        context.logger.notice("\(path): the index of its \"\(uniqueField)\" values was rebuilt from the file")
                    }
                } catch {
                    _ = output.close()
                    self.output = nil
                    throw JSONLSinkError.cannotOpen(path: path, reason: "its index \(JSONLUniqueIndex.path(for: path)): \(error)", underlying: error)
                }
            }
        }
    }

    public func write(_ record: Record) async throws {
        guard let output else { throw JSONLSinkError.notOpen(path: path) }
        let start = buffer.count
        let fields = record.output
        JSONValue.object(fields).write(to: &buffer)
        // The unique value and its digests before this record, to undo if the write fails.
        var replaced: (value: String, written: String?, unindexed: String?)?
        if let uniqueField, let value = fields[uniqueField]?.plainText {
            let digest = Self.contentDigest(fields)
            let previous: String?
            do {
                previous = try written[value] ?? index?.digest(of: value)
            } catch {
                buffer.removeSubrange(start...)
                throw JSONLSinkError.writeFailed(path: path, records: 1, reason: "its index \(JSONLUniqueIndex.path(for: path)): \(error)", underlying: error)
            }
            guard previous != digest else {
                buffer.removeSubrange(start...)  // this version is in the file already
                return
            }
            replaced = (value, written.updateValue(digest, forKey: value), index == nil ? nil : unindexed.updateValue(digest, forKey: value))
        }
        buffer.append(UInt8(ascii: "\n"))
        bufferedRecords += 1
        guard bufferedRecords >= Self.flushInterval || buffer.count >= Self.flushSize else { return }
        do {
            try writeBuffer(to: output)
        } catch {
            // This record goes to the dead letters, so it must not be written later as well.
            buffer.removeSubrange(start...)
            bufferedRecords -= 1
            if let replaced {
                written[replaced.value] = replaced.written
                if index != nil { unindexed[replaced.value] = replaced.unindexed }
            }
            throw error
        }
    }

    /// The SHA-256 of a record's content: its line as written, without the fields that change on
    /// every fetch of an unchanged page (``Record/fieldsOfTheFetchAlone``), so that a page fetched
    /// again after a kill, or unchanged since the last run, is not taken for a new version.
    private static func contentDigest(_ fields: [String: JSONValue]) -> String {
        var content = fields
        for field in Record.fieldsOfTheFetchAlone { content.removeValue(forKey: field) }
        var line: [UInt8] = []
        JSONValue.object(content).write(to: &line)
        return MessageDigest.hex(.sha256, of: line)
    }

    /// Writes the buffered lines to the file (the runner calls this before it records progress).
    public func flush() async throws {
        guard let output else { return }
        try writeBuffer(to: output)
    }

    /// Writes the rest and, in `overwrite` mode, puts the new file in place of the old one. When
    /// anything fails the new file is removed and the old one stays.
    public func close() async throws {
        guard let output else { return }
        var failure: (any Error)?
        do {
            try writeBuffer(to: output)
        } catch {
            failure = error
        }
        if let reason = output.close(), failure == nil {
            failure = JSONLSinkError.writeFailed(path: path, records: bufferedRecords, reason: reason)
        }
        self.output = nil
        buffer = []
        bufferedRecords = 0
        if let failure {
            output.discard()
            throw failure
        }
        do {
            try output.commit()
        } catch {
            throw JSONLSinkError.cannotReplace(path: path, reason: error.reason, underlying: error)
        }
    }

    /// After a failed run: in `overwrite` mode the new file is dropped, buffered lines and all, and
    /// the old one stays; appended lines are written out, as ``close()`` would.
    public func discard() async throws {
        guard let output else { return }
        guard output.temporaryPath != nil else { return try await close() }
        _ = output.close()
        output.discard()
        self.output = nil
        buffer = []
        bufferedRecords = 0
    }

    /// Writes the buffer. On failure the file is cut back to ``committedSize`` (not standard output,
    /// which may be shared) and the buffer is kept.
    private func writeBuffer(to output: OutputFile) throws {
        guard !buffer.isEmpty else { return }
        if let reason = POSIXFile.writeAll(buffer, to: output.descriptor) {
            if !output.isStandardOutput { _ = ftruncate(output.descriptor, committedSize) }
            throw JSONLSinkError.writeFailed(path: path, records: bufferedRecords, reason: reason)
        }
        committedSize += off_t(buffer.count)
        buffer.removeAll(keepingCapacity: true)
        bufferedRecords = 0
        // The lines are in the file: the index follows. Should this fail, the index no longer
        // describes the file's size and is rebuilt from the file when it is next opened.
        if let index, !indexIsStale {
            do {
                try index.commit(unindexed, fileSize: Int64(committedSize))
                unindexed.removeAll(keepingCapacity: true)
            } catch {
                // Still right for the lines before this run, so lookups go on; ``written`` has the rest.
                indexIsStale = true
                unindexed.removeAll()
            }
        }
    }
}

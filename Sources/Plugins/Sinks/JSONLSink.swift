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
public actor JSONLSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "jsonl",
        kind: .sink,
        summary: "Writes each record as one line of JSON (JSON Lines).",
        discussion: """
            The record's fields are written as compact JSON with sorted keys; Persian and other \
            non-ASCII text is written as UTF-8, not escaped. Parent directories are created. With \
            "mode": "append", a re-run adds to the file instead of replacing it.
            """,
        options: [
            OptionSpec("path", .string, required: true, "The file to write, such as \"out/articles.jsonl\"."),
            OptionSpec("mode", .choice(["overwrite", "append"]), default: "overwrite",
                       "\"overwrite\" starts a new file each run; \"append\" adds to an existing one."),
            OptionSpec("unique", .string,
                       "A field (such as \"url\") whose value stands in the file once: a record whose value is already there is not written again, so a run replayed after a kill doubles nothing."),
        ]
    )

    /// What happens to a file that already exists.
    public enum Mode: String, Sendable {
        /// The file is emptied at open.
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
    /// The values of ``uniqueField`` in the file.
    private var written: Set<String> = []

    /// The open file, or -1 before ``open(context:)`` and after ``close()``.
    private var file: Int32 = -1
    /// The size of the file once everything written so far is in it: where a failed write is cut back to.
    private var committedSize: off_t = 0
    /// Lines not yet written.
    private var buffer: [UInt8] = []
    /// How many records ``buffer`` holds.
    private var bufferedRecords = 0

    public init(options: PluginOptions) throws {
        guard let path = options.string("path"), !path.isEmpty else {
            throw OptionError(option: "path", "must name a file, such as \"out/articles.jsonl\"")
        }
        let modeName = options.string("mode") ?? Mode.overwrite.rawValue
        guard let mode = Mode(rawValue: modeName) else {
            throw OptionError(option: "mode", "must be \"overwrite\" or \"append\", not \"\(modeName)\"")
        }
        self.path = path
        self.mode = mode
        uniqueField = options.string("unique")
    }

    public func open(context: RunContext) async throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw JSONLSinkError.cannotOpen(path: path, reason: "cannot create the directory \(parent): \(error.localizedDescription)")
            }
        }
        // Append mode also reads: it looks at the last byte of the existing file (below).
        let flags = O_CREAT | O_CLOEXEC | (mode == .append ? O_RDWR | O_APPEND : O_WRONLY | O_TRUNC)
        guard let file = POSIXFile.open(path, flags: flags) else {
            throw JSONLSinkError.cannotOpen(path: path, reason: POSIXFile.lastError)
        }
        self.file = file
        buffer.reserveCapacity(Self.flushSize)

        if mode == .append {
            let size = lseek(file, 0, SEEK_END)
            guard size >= 0 else {
                let reason = POSIXFile.lastError
                try? closeFile()
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
            if let uniqueField, size > 0, let data = FileManager.default.contents(atPath: path) {
                // The values already in the file; an incomplete last line is skipped like any bad line.
                for line in data.split(separator: UInt8(ascii: "\n")) {
                    if let value = (try? JSONNodeParser.parse(bytes: Array(line)))?.member(uniqueField)?.value.value.plainText {
                        written.insert(value)
                    }
                }
            }
        }
    }

    public func write(_ record: Record) async throws {
        guard file >= 0 else { throw JSONLSinkError.notOpen(path: path) }
        if let uniqueField, let value = record.output[uniqueField]?.plainText {
            guard written.insert(value).inserted else { return }  // already in the file
        }
        let start = buffer.count
        JSONValue.object(record.output).write(to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        bufferedRecords += 1
        guard bufferedRecords >= Self.flushInterval || buffer.count >= Self.flushSize else { return }
        do {
            try writeBuffer()
        } catch {
            // This record goes to the dead letters, so it must not be written later as well.
            buffer.removeSubrange(start...)
            bufferedRecords -= 1
            throw error
        }
    }

    /// Writes the buffered lines to the file (the runner calls this before it records progress).
    public func flush() async throws {
        guard file >= 0 else { return }
        try writeBuffer()
    }

    public func close() async throws {
        guard file >= 0 else { return }
        var failure: (any Error)?
        do {
            try writeBuffer()
        } catch {
            failure = error
        }
        do {
            try closeFile()
        } catch {
            failure = failure ?? error
        }
        buffer = []
        bufferedRecords = 0
        if let failure { throw failure }
    }

    /// Writes the buffer. On failure the file is cut back to ``committedSize`` and the buffer is kept.
    private func writeBuffer() throws {
        guard !buffer.isEmpty else { return }
        if let reason = POSIXFile.writeAll(buffer, to: file) {
            _ = ftruncate(file, committedSize)
            throw JSONLSinkError.writeFailed(path: path, records: bufferedRecords, reason: reason)
        }
        committedSize += off_t(buffer.count)
        buffer.removeAll(keepingCapacity: true)
        bufferedRecords = 0
    }

    private func closeFile() throws {
        let failure = POSIXFile.close(file)
        file = -1
        if let failure {
            throw JSONLSinkError.writeFailed(path: path, records: bufferedRecords, reason: failure)
        }
    }
}

/// Why the `jsonl` sink failed.
public enum JSONLSinkError: Error, Sendable, CustomStringConvertible {
    /// The file (or its directory) could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// Writing a batch of lines failed; `records` is how many records the batch held.
    case writeFailed(path: String, records: Int, reason: String)
    /// ``JSONLSink/write(_:)`` was called before ``JSONLSink/open(context:)`` or after ``JSONLSink/close()``.
    case notOpen(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open \(path) for writing: \(reason)"
        case .writeFailed(let path, let records, let reason):
            return "cannot write \(records) record\(records == 1 ? "" : "s") to \(path): \(reason)"
        case .notOpen(let path):
            return "the JSON Lines sink for \(path) is not open"
        }
    }
}

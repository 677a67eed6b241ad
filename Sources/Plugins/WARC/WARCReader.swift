import ETLHTTP

/// Reads WARC records one after the other from a `.warc` or `.warc.gz` file, in constant memory.
///
/// The file is read a chunk at a time (``WARCByteInput``); a gzip file (told by its first two
/// bytes, whatever its name) is decompressed as it is read, any number of members after each other
/// (``GzipInflater``), so memory holds one chunk, what was decompressed ahead, and the block of the
/// record being read: never the file. Each record is read in two steps: ``next()`` reads its header
/// and says where it starts; then ``readBlock()`` returns its block, or ``skipBlock()`` passes over
/// it without keeping it (a `request` record, a page the filters do not want, a block too large).
///
/// Offsets are those of a CDX index: for a `.warc.gz` the offset in the compressed file of the
/// gzip member the record starts in, for a `.warc` the byte offset. Errors carry the offset of the
/// record they are in (``WARCReadError``). Blank lines between records are passed over, as readers
/// of WARC files written by older tools do.
package final class WARCReader {
    /// A record's header and where it is.
    package struct Entry: Sendable {
        package var fields: WARCFields
        /// The record's offset (see the type's discussion).
        package var offset: Int
        /// The block's length (`Content-Length`).
        package var blockLength: Int
    }

    /// The most a record's header may take before the file is not taken for a WARC file.
    static let maxHeaderBytes = 1 << 20
    /// Decompressed bytes made per step.
    private static let inflateStep = 256 * 1024

    /// The file's name or URL, for errors.
    let source: String
    private let input: any WARCByteInput
    /// Decompressed bytes not yet read start at ``start``; ``base`` is the file offset (uncompressed)
    /// of `buffer[0]`.
    private var buffer: [UInt8] = []
    private var start = 0
    private var base = 0
    /// nil until the first bytes tell.
    private var isCompressed: Bool?
    private var inflater: GzipInflater?
    private var compressed: [UInt8] = []
    private var compressedStart = 0
    private var inputEnded = false
    /// Where gzip members start: (uncompressed offset, compressed offset), oldest first; those
    /// before the current record are dropped.
    private var memberStarts: [(uncompressed: Int, compressed: Int)] = [(0, 0)]
    /// The block bytes of the current record not yet read, nil between records.
    private var blockRemaining: Int?
    /// The offset of the current record, for errors.
    private var currentOffset = 0

    package init(input: any WARCByteInput, source: String) {
        self.input = input
        self.source = source
    }

    /// Whether the file is gzip-compressed; nil before the first record was read.
    var isGzip: Bool? { isCompressed }

    /// The bytes the reader's buffer holds room for (tests check that it stays small).
    var bufferCapacity: Int { buffer.capacity }

    /// The next record's header, or nil at the end of the file. A block not read is skipped first.
    package func next() async throws(WARCReadError) -> Entry? {
        if blockRemaining != nil { try await skipBlock() }
        // Line breaks between records (the two that end a record, and any a writer added).
        while true {
            if start == buffer.count, try await !fill() { return nil }
            let byte = buffer[start]
            guard byte == 0x0D || byte == 0x0A else { break }
            start += 1
        }
        let recordStart = base + start
        currentOffset = offset(ofRecordAt: recordStart)
        var searchFrom = start
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.endOfHeader(in: buffer, from: searchFrom)
            if headerEnd != nil { break }
            guard buffer.count - start <= Self.maxHeaderBytes else {
                throw failure("a record header is longer than \(Self.maxHeaderBytes) bytes: not a WARC file?")
            }
            searchFrom = max(start, buffer.count - 3)
            let before = start
            guard try await fill() else { throw failure("the file ends inside a record header") }
            searchFrom -= before - start  // fill may have moved the bytes to the front
        }
        guard let headerEnd else { throw failure("the file ends inside a record header") }
        let fields: WARCFields
        switch WARCFields.parse(buffer[start..<headerEnd]) {
        case .success(let parsed): fields = parsed
        case .failure(let failure): throw self.failure(failure.reason)
        }
        start = headerEnd + 4
        guard let lengthText = fields["Content-Length"], let length = Int(lengthText), length >= 0 else {
            throw failure("a record has no valid Content-Length (\(fields["Content-Length"] ?? "none"))")
        }
        blockRemaining = length
        return Entry(fields: fields, offset: currentOffset, blockLength: length)
    }

    /// The current record's block.
    package func readBlock() async throws(WARCReadError) -> [UInt8] {
        guard let length = blockRemaining else { return [] }
        while buffer.count - start < length {
            guard try await fill() else { throw failure("the file ends inside a record's block (\(length) bytes announced)") }
        }
        let block = Array(buffer[start..<start + length])
        start += length
        blockRemaining = nil
        return block
    }

    /// Passes over the current record's block without keeping it.
    package func skipBlock() async throws(WARCReadError) {
        guard var remaining = blockRemaining else { return }
        while remaining > 0 {
            if start == buffer.count {
                guard try await fill() else { throw failure("the file ends inside a record's block") }
            }
            let taken = min(remaining, buffer.count - start)
            start += taken
            remaining -= taken
        }
        blockRemaining = nil
    }

    // MARK: Bytes

    /// Makes more decompressed bytes available after ``start``; false at the end of the file.
    private func fill() async throws(WARCReadError) -> Bool {
        // Read bytes go; what is left moves to the front once it is the smaller part.
        if start > 0, start >= buffer.count - start {
            buffer.removeSubrange(0..<start)
            base += start
            start = 0
        }
        while true {
            switch isCompressed {
            case nil:
                guard let chunk = try await input.nextChunk() else { return false }
                isCompressed = chunk.count >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B
                if isCompressed == true {
                    do {
                        inflater = try GzipInflater()
                    } catch {
                        throw WARCReadError(source: source, offset: 0, reason: error.reason)
                    }
                    compressed = chunk
                } else {
                    buffer.append(contentsOf: chunk)
                    return true
                }
            case false?:
                guard let chunk = try await input.nextChunk() else { return false }
                buffer.append(contentsOf: chunk)
                return true
            case true?:
                guard let inflater else { return false }
                if compressedStart < compressed.count {
                    let before = buffer.count
                    let bufferBase = base
                    do {
                        compressedStart += try inflater.inflate(compressed, from: compressedStart, into: &buffer, room: Self.inflateStep) { compressedOffset, count in
                            memberStarts.append((bufferBase + count, compressedOffset))
                        }
                    } catch {
                        throw WARCReadError(source: source, offset: currentOffset, reason: "\(error.reason) at compressed byte \(error.compressedOffset)")
                    }
                    if buffer.count > before { return true }
                    if compressedStart < compressed.count { continue }
                }
                if inputEnded {
                    if !inflater.isBetweenMembers {
                        throw WARCReadError(source: source, offset: currentOffset, reason: "the gzip data is cut short (the file ends inside a member)")
                    }
                    return false
                }
                if let chunk = try await input.nextChunk() {
                    compressed = compressedStart < compressed.count ? Array(compressed[compressedStart...]) + chunk : chunk
                    compressedStart = 0
                } else {
                    inputEnded = true
                }
            }
        }
    }

    /// The offset a record starting at `uncompressed` has: its own for a `.warc`, its gzip
    /// member's for a `.warc.gz`. Drops the member starts before it.
    private func offset(ofRecordAt uncompressed: Int) -> Int {
        guard isCompressed == true else { return uncompressed }
        let later = memberStarts.firstIndex { $0.uncompressed > uncompressed } ?? memberStarts.endIndex
        let index = max(0, later - 1)
        if index > 0 { memberStarts.removeFirst(index) }
        return memberStarts.first?.compressed ?? 0
    }

    /// The index of the `\r\n\r\n` that ends a header in `bytes` from `from`, or nil. A header
    /// ended by bare `\n\n` is not WARC and is not accepted.
    private static func endOfHeader(in bytes: [UInt8], from: Int) -> Int? {
        bytes.withUnsafeBufferPointer { all in
            var index = from
            let last = all.count - 4
            while index <= last {
                if all[index + 3] != 0x0A {
                    // The fourth byte must be a line feed: skip ahead past anything that cannot start a match.
                    index += all[index + 3] == 0x0D ? 1 : 4
                    continue
                }
                if all[index] == 0x0D, all[index + 1] == 0x0A, all[index + 2] == 0x0D { return index }
                index += 1
            }
            return nil
        }
    }

    private func failure(_ reason: String) -> WARCReadError {
        WARCReadError(source: source, offset: currentOffset, reason: reason)
    }
}

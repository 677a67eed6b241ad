import ETLHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads WARC records one after the other from a `.warc` or `.warc.gz` file, in constant memory.
///
/// The file is read a chunk at a time (``WARCByteInput``); a gzip file (told by its first two
/// bytes, whatever its name) is decompressed as it is read, any number of members after each other
/// (``GzipInflater``: one zlib stream, reset between members), so memory holds one chunk, what was
/// decompressed ahead, and the block of the record being read: never the file. Each record is read
/// in two steps: ``next()`` reads its header and says where it starts; then ``readBlock()`` returns
/// its block, or ``skipBlock()`` passes over it without keeping it (a `request` record, a page the
/// filters do not want, a block too large).
///
/// **Speed.** Decompressed bytes go into one buffer the reader owns (allocated once, grown only for
/// a block larger than it, never shrunk), straight from zlib, with no intermediate arrays: a
/// file chunk is inflated where it lies, the header is found and parsed where it lies
/// (``WARCFields/parse(_:)``), and a block is copied out once, by ``readBlock()``. Read bytes are
/// dropped by moving what is left to the front of the buffer, which is at most one record.
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
    /// Decompressed bytes made per step: the least room the buffer has before zlib writes to it.
    private static let inflateStep = 256 * 1024
    /// The buffer's first size.
    private static let initialCapacity = 1 << 20

    /// The file's name or URL, for errors.
    let source: String
    private let input: any WARCByteInput
    /// Decompressed bytes: those not yet read are `storage[start..<end]`; ``base`` is the file
    /// offset (uncompressed) of `storage[0]`.
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var base = 0
    /// nil until the first bytes tell.
    private var isCompressed: Bool?
    private var inflater: GzipInflater?
    /// The compressed chunk being inflated, and how much of it zlib took.
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
        capacity = Self.initialCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    /// Whether the file is gzip-compressed; nil before the first record was read.
    var isGzip: Bool? { isCompressed }

    /// The bytes the reader's buffer holds room for (tests check that it stays small).
    var bufferCapacity: Int { capacity }

    /// The next record's header, or nil at the end of the file. A block not read is skipped first.
    package func next() async throws(WARCReadError) -> Entry? {
        if blockRemaining != nil { try await skipBlock() }
        // Line breaks between records (the two that end a record, and any a writer added).
        while true {
            if start == end, try await !fill() { return nil }
            let byte = storage.load(fromByteOffset: start, as: UInt8.self)
            guard byte == 0x0D || byte == 0x0A else { break }
            start += 1
        }
        currentOffset = offset(ofRecordAt: base + start)
        var searchFrom = start
        var headerEnd: Int
        while true {
            if let found = Self.endOfHeader(in: UnsafeRawBufferPointer(start: storage, count: end), from: searchFrom) {
                headerEnd = found
                break
            }
            guard end - start <= Self.maxHeaderBytes else {
                throw failure("a record header is longer than \(Self.maxHeaderBytes) bytes: not a WARC file?")
            }
            let searched = max(start, end - 3) - start
            guard try await fill() else { throw failure("the file ends inside a record header") }
            searchFrom = start + searched  // fill may have moved the bytes to the front
        }
        let fields: WARCFields
        switch WARCFields.parse(UnsafeRawBufferPointer(start: storage + start, count: headerEnd - start)) {
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
        while end - start < length {
            guard try await fill(wanting: length - (end - start)) else {
                throw failure("the file ends inside a record's block (\(length) bytes announced)")
            }
        }
        let block = [UInt8](UnsafeRawBufferPointer(start: storage + start, count: length))
        start += length
        blockRemaining = nil
        return block
    }

    /// Passes over the current record's block without keeping it.
    package func skipBlock() async throws(WARCReadError) {
        guard var remaining = blockRemaining else { return }
        while remaining > 0 {
            if start == end {
                guard try await fill() else { throw failure("the file ends inside a record's block") }
            }
            let taken = min(remaining, end - start)
            start += taken
            remaining -= taken
        }
        blockRemaining = nil
    }

    // MARK: Bytes

    /// Makes room for at least `wanted` bytes after ``end``: moves the unread bytes to the front,
    /// and grows the buffer only when they and `wanted` do not fit.
    private func makeRoom(_ wanted: Int) {
        guard capacity - end < wanted else { return }
        if start > 0 {
            if end > start { memmove(storage, storage + start, end - start) }
            base += start
            end -= start
            start = 0
        }
        guard capacity - end < wanted else { return }
        let grown = max(capacity * 2, end + wanted)
        let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        larger.copyMemory(from: storage, byteCount: end)
        storage.deallocate()
        storage = larger
        capacity = grown
    }

    /// Makes more decompressed bytes available after ``end`` (`wanting` is how many the caller
    /// needs, a hint for the room made); false at the end of the file.
    private func fill(wanting: Int = 1) async throws(WARCReadError) -> Bool {
        while true {
            switch isCompressed {
            case nil:
                guard let chunk = try await input.nextChunk() else { return false }
                isCompressed = Gzip.isCompressed(chunk)
                if isCompressed == true {
                    do {
                        inflater = try GzipInflater()
                    } catch {
                        throw WARCReadError(source: source, offset: 0, reason: error.reason)
                    }
                    compressed = chunk
                    compressedStart = 0
                } else {
                    append(chunk)
                    return true
                }
            case false?:
                guard let chunk = try await input.nextChunk() else { return false }
                append(chunk)
                return true
            case true?:
                guard let inflater else { return false }
                if compressedStart < compressed.count {
                    makeRoom(max(Self.inflateStep, min(wanting, Self.inflateStep * 4)))
                    var made: (consumed: Int, produced: Int) = (0, 0)
                    var failure: GzipInflater.Failure?
                    let outputBase = base + end
                    let output = UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end)
                    compressed.withUnsafeBytes { chunk in
                        do throws(GzipInflater.Failure) {
                            made = try inflater.inflate(UnsafeRawBufferPointer(rebasing: chunk[compressedStart...]), into: output) {
                                compressedOffset, produced in
                                memberStarts.append((outputBase + produced, compressedOffset))
                            }
                        } catch {
                            failure = error
                        }
                    }
                    if let failure {
                        throw WARCReadError(source: source, offset: currentOffset, reason: "\(failure.reason) at compressed byte \(failure.compressedOffset)")
                    }
                    compressedStart += made.consumed
                    end += made.produced
                    if made.produced > 0 { return true }
                    // Only a member's header or trailer was read: go on with the rest of the chunk.
                    if made.consumed > 0, compressedStart < compressed.count { continue }
                }
                if inputEnded {
                    if !inflater.isBetweenMembers || compressedStart < compressed.count {
                        throw WARCReadError(source: source, offset: currentOffset, reason: "the gzip data is cut short (the file ends inside a member)")
                    }
                    return false
                }
                if let chunk = try await input.nextChunk() {
                    // zlib takes all the input it is given unless its output is full or a member
                    // ends, so a chunk is nearly always used up before the next comes.
                    compressed = compressedStart < compressed.count ? Array(compressed[compressedStart...]) + chunk : chunk
                    compressedStart = 0
                } else {
                    inputEnded = true
                }
            }
        }
    }

    /// Appends a chunk of an uncompressed file to the buffer.
    private func append(_ chunk: [UInt8]) {
        makeRoom(chunk.count)
        chunk.withUnsafeBytes { bytes in
            guard let source = bytes.baseAddress else { return }
            (storage + end).copyMemory(from: source, byteCount: bytes.count)
        }
        end += chunk.count
    }

    /// The offset a record starting at `uncompressed` has: its own for a `.warc`, its gzip
    /// member's for a `.warc.gz`. Drops the member starts before it.
    private func offset(ofRecordAt uncompressed: Int) -> Int {
        guard isCompressed == true else { return uncompressed }
        var index = 0
        while index + 1 < memberStarts.count, memberStarts[index + 1].uncompressed <= uncompressed { index += 1 }
        if index > 0 { memberStarts.removeFirst(index) }
        return memberStarts.first?.compressed ?? 0
    }

    /// The index of the `\r\n\r\n` that ends a header in `bytes` from `from`, or nil. A header
    /// ended by bare `\n\n` is not WARC and is not accepted.
    private static func endOfHeader(in all: UnsafeRawBufferPointer, from: Int) -> Int? {
        var index = from
        let last = all.count - 4
        while index <= last {
            let fourth = all[index + 3]
            if fourth != 0x0A {
                // The fourth byte must be a line feed: skip ahead past anything that cannot start a match.
                index += fourth == 0x0D ? 1 : 4
                continue
            }
            if all[index] == 0x0D, all[index + 1] == 0x0A, all[index + 2] == 0x0D { return index }
            index += 1
        }
        return nil
    }

    private func failure(_ reason: String) -> WARCReadError {
        WARCReadError(source: source, offset: currentOffset, reason: reason)
    }
}

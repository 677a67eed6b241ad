import ETLHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes WARC records to an open file, one after the other: each record (header, block, and the
/// two line breaks that end it) as one gzip member when the file is compressed, so that a reader
/// can start at any record's offset, as CDX indexes and HTTP range requests do.
///
/// The writer sets `Content-Length` from the block; digests and ids are the caller's
/// (``WARCExchangeRecords``). Each record is one `write(2)`: a record is whole in the file or, when
/// a write fails, cut away again (``write(_:)``), so the file always ends at a record's end.
final class WARCWriter {
    /// Why a record could not be written.
    struct Failure: Error, Sendable, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot write \(path): \(reason)" }
    }

    /// The file's path, for errors.
    let path: String
    private let descriptor: Int32
    /// Whether records are written as gzip members.
    let compresses: Bool
    /// Bytes in the file: where the next record starts.
    private(set) var size: Int
    /// Records this writer wrote (its `warcinfo` included).
    private(set) var recordCount = 0

    /// A writer at the end of an open file of `size` bytes.
    init(path: String, descriptor: Int32, compresses: Bool, size: Int = 0) {
        self.path = path
        self.descriptor = descriptor
        self.compresses = compresses
        self.size = size
    }

    /// The bytes `record` takes in the file.
    func encoded(_ record: WARCRecord) throws(Failure) -> [UInt8] {
        var fields = record.fields
        fields.set("Content-Length", String(record.block.count))
        let parts = [fields.serialized(), record.block, [0x0D, 0x0A, 0x0D, 0x0A]]
        guard compresses else { return parts.flatMap { $0 } }
        do {
            return try Gzip.member(of: parts)
        } catch {
            throw Failure(path: path, reason: error.description)
        }
    }

    /// Writes one record; returns its offset and length in the file. A failed write is cut away
    /// (`ftruncate` to the size before it), so the file still ends at a record's end.
    @discardableResult
    func write(_ record: WARCRecord) throws(Failure) -> (offset: Int, length: Int) {
        try write(encoded: encoded(record))
    }

    /// Writes bytes made by ``encoded(_:)`` (of one record or of several, counted as one); returns
    /// their offset and length in the file.
    @discardableResult
    func write(encoded bytes: [UInt8]) throws(Failure) -> (offset: Int, length: Int) {
        let offset = size
        if let reason = POSIXFile.writeAll(bytes, to: descriptor) {
            _ = ftruncate(descriptor, off_t(offset))
            throw Failure(path: path, reason: reason)
        }
        size += bytes.count
        recordCount += 1
        return (offset, bytes.count)
    }
}

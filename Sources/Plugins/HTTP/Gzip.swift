import CZlib

/// gzip (and zlib) decompression of whole bodies, for `.xml.gz` sitemaps and for HTTP bodies kept
/// as received (the `warc` sink asks the fetcher for them: see ``HTTPBodyDecoding``); and gzip
/// members made of whole records, for `.warc.gz` files. A stream of many members is read by
/// ``GzipInflater``.
package enum Gzip {
    /// Why a body could not be decompressed.
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case corrupt(String)
        case tooLarge(limit: Int)
        /// zlib could not compress (out of memory).
        case cannotCompress(status: Int32)

        package var description: String {
            switch self {
            case .corrupt(let reason): return "not valid gzip data (\(reason))"
            case .tooLarge(let limit): return "decompresses to more than \(limit) bytes"
            case .cannotCompress(let status): return "zlib could not compress (status \(status))"
            }
        }
    }

    /// Whether bytes start with the gzip magic number.
    package static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes, at most `limit` of them (a gzip bomb stops there). Only the first
    /// gzip member (or zlib stream) is read; bytes after it are ignored.
    ///
    /// zlib writes straight into the array returned: its first size is the one a gzip trailer
    /// gives (`ISIZE`, the last four bytes of a single-member body, which an HTTP body nearly
    /// always is), bounded by `limit` and by a ratio to the input; a wrong guess only costs a
    /// larger array and one copy.
    package static func decompress(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        guard etl_inflate_init(stream) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(stream) }
        var output: [UInt8] = []
        // One byte past the limit tells a body that is too large.
        let ceiling = limit < Int.max ? limit + 1 : limit
        var capacity = min(ceiling, initialCapacity(for: bytes))
        var status = Z_OK
        bytes.withUnsafeBufferPointer { source in
            // zlib's input pointer is not const; it never writes through it.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = uInt(source.count)
            while true {
                let previous = output
                output = [UInt8](unsafeUninitializedCapacity: capacity) { target, count in
                    guard let base = target.baseAddress else { return }
                    previous.withUnsafeBufferPointer { old in
                        if let from = old.baseAddress { base.initialize(from: from, count: old.count) }
                    }
                    count = previous.count
                    repeat {
                        stream.pointee.next_out = base + count
                        stream.pointee.avail_out = uInt(capacity - count)
                        status = inflate(stream, Z_NO_FLUSH)
                        count = capacity - Int(stream.pointee.avail_out)
                    } while status == Z_OK && count < capacity
                }
                // Full (status Z_OK or Z_BUF_ERROR with room 0): more room, up to one byte past the limit.
                guard (status == Z_OK || status == Z_BUF_ERROR) && output.count == capacity && capacity < ceiling else { return }
                capacity = min(ceiling, capacity * 2)
            }
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END else {
            throw .corrupt(status == Z_BUF_ERROR || status == Z_OK ? "truncated" : "zlib status \(status)")
        }
        return output
    }

    /// The first size of the array ``decompress(_:limit:)`` fills: the gzip trailer's `ISIZE`
    /// when it is plausible (at most 64 times the input, the most a body of text compresses
    /// to in practice), four times the input otherwise; at least 4 KiB.
    private static func initialCapacity(for bytes: [UInt8]) -> Int {
        let fallback = max(4096, bytes.count * 4)
        guard isCompressed(bytes), bytes.count >= 18 else { return fallback }
        let end = bytes.count
        let size = Int(bytes[end - 4]) | Int(bytes[end - 3]) << 8 | Int(bytes[end - 2]) << 16 | Int(bytes[end - 1]) << 24
        guard size > 0, size <= bytes.count * 64 else { return fallback }
        // One byte more than announced, so that a body of exactly that size ends without growing.
        return max(4096, size + 1)
    }

    /// `parts`, one after the other, as one complete gzip member (header, deflate data, CRC and
    /// length): what a `.warc.gz` file holds per record, so that any record can be read alone from
    /// its offset. `level` is zlib's (1 fastest … 9 smallest; 6 is gzip's default).
    package static func member(of parts: [[UInt8]], level: Int32 = 6) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard etl_deflate_init_gzip(&stream, level) == Z_OK else { throw .cannotCompress(status: Z_MEM_ERROR) }
        defer { deflateEnd(&stream) }
        let total = parts.reduce(0) { $0 + $1.count }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(total))) + 64)
        var produced = 0
        var status = Z_OK
        for (index, part) in parts.enumerated() {
            let flush = index == parts.count - 1 ? Z_FINISH : Z_NO_FLUSH
            status = part.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    // zlib's input pointer is not const; it never writes through it.
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                    stream.avail_in = uInt(source.count)
                    var status = Z_OK
                    repeat {
                        stream.next_out = target.baseAddress.map { $0 + produced }
                        stream.avail_out = uInt(target.count - produced)
                        status = deflate(&stream, flush)
                        produced = target.count - Int(stream.avail_out)
                    } while status == Z_OK && (stream.avail_in > 0 || (flush == Z_FINISH && stream.avail_out == 0))
                    return status
                }
            }
            if flush == Z_FINISH, status != Z_STREAM_END { throw .cannotCompress(status: status) }
            if flush != Z_FINISH, status != Z_OK, status != Z_BUF_ERROR { throw .cannotCompress(status: status) }
        }
        if parts.isEmpty {
            status = output.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_FINISH)
                produced = target.count - Int(stream.avail_out)
                return status
            }
            guard status == Z_STREAM_END else { throw .cannotCompress(status: status) }
        }
        output.removeSubrange(produced...)
        return output
    }
}

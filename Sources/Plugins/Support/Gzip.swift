import CZlib

/// gzip (and zlib) decompression of whole bodies, for `.xml.gz` sitemaps: HTTP content encoding is
/// libcurl's business, but a gzip *file* arrives as its compressed bytes.
enum Gzip {
    /// Why a body could not be decompressed.
    enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case corrupt(String)
        case tooLarge(limit: Int)

        var description: String {
            switch self {
            case .corrupt(let reason): return "not valid gzip data (\(reason))"
            case .tooLarge(let limit): return "decompresses to more than \(limit) bytes"
            }
        }
    }

    /// Whether bytes start with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed bytes, at most `limit` of them (a gzip bomb stops there).
    static func decompress(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard etl_inflate_init(&stream) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            var status = Z_OK
            while status == Z_OK {
                status = chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[..<produced])
                if output.count > limit { return Z_MEM_ERROR }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            }
            return status
        }
        if output.count > limit { throw .tooLarge(limit: limit) }
        guard status == Z_STREAM_END else {
            throw .corrupt(status == Z_BUF_ERROR ? "truncated" : "zlib status \(status)")
        }
        return output
    }
}

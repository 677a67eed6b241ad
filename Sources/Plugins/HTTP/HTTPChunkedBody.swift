/// HTTP/1.1 chunked transfer coding (RFC 9112 §7.1), undone: the WARC sink keeps a body as it
/// came over the wire, chunk sizes and all, and whoever reads the body back (the fetcher after an
/// archived transfer, the `warc` source) takes the chunks out again.
package enum HTTPChunkedBody {
    /// Why a chunked body could not be read.
    package struct Failure: Error, Sendable, CustomStringConvertible {
        /// The offset in the body where the coding broke.
        package var offset: Int
        package var reason: String
        package var description: String { "broken chunked encoding at byte \(offset): \(reason)" }
    }

    /// The body with its chunk framing removed: the chunks' data, one after the other. Chunk
    /// extensions and trailer fields are dropped. `limit` caps the result (a larger one fails).
    package static func decode(_ bytes: ArraySlice<UInt8>, limit: Int = .max) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while true {
            let lineStart = index
            guard let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw Failure(offset: lineStart - bytes.startIndex, reason: "a chunk size line has no end")
            }
            var size = 0
            var digits = 0
            var position = lineStart
            while position < lineEnd, let value = hexValue(bytes[position]) {
                guard size <= (Int.max >> 4) else { throw Failure(offset: lineStart - bytes.startIndex, reason: "a chunk size is too large") }
                size = size << 4 | value
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw Failure(offset: lineStart - bytes.startIndex, reason: "a chunk size line does not start with a hexadecimal size") }
            index = lineEnd + 1
            if size == 0 {
                // Trailer fields until an empty line (or the end of what was received).
                while index < bytes.endIndex, let end = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) {
                    let isEmpty = end == index || (end == index + 1 && bytes[index] == 0x0D)
                    index = end + 1
                    if isEmpty { break }
                }
                return output
            }
            guard bytes.endIndex - index >= size else {
                throw Failure(offset: index - bytes.startIndex, reason: "a chunk of \(size) bytes is cut short")
            }
            guard output.count + size <= limit else {
                throw Failure(offset: index - bytes.startIndex, reason: "the body is larger than \(limit) bytes")
            }
            output.append(contentsOf: bytes[index..<index + size])
            index += size
            // The CRLF after the chunk's data.
            if index < bytes.endIndex, bytes[index] == 0x0D { index += 1 }
            guard index < bytes.endIndex, bytes[index] == 0x0A else {
                throw Failure(offset: index - bytes.startIndex, reason: "a chunk's data does not end with a line break")
            }
            index += 1
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }
}

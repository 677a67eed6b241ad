import CZlib

/// Decompresses a stream of gzip members piece by piece, as a `.warc.gz` file holds them (one
/// member per record, members one after the other), without ever holding the whole stream:
/// compressed bytes go in as they are read, decompressed bytes come out, and the end of each
/// member is reported with its compressed offset, which is where the next record can be read
/// alone (a CDX index's `offset`).
///
/// A plain (single-member) gzip file works too: it is one member. The z_stream lives on the heap
/// because zlib keeps a pointer back to it and refuses a stream that moved.
package final class GzipInflater {
    /// Why the stream could not be decompressed, with the compressed offset where it went wrong.
    package struct Failure: Error, Sendable {
        package var compressedOffset: Int
        package var reason: String
    }

    private let stream: UnsafeMutablePointer<z_stream>
    /// Compressed bytes consumed so far, all members together.
    package private(set) var compressedOffset = 0
    /// Whether the last call ended a member exactly at its end (no member is half read).
    package private(set) var isBetweenMembers = true

    package init() throws(Failure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard etl_inflate_init(stream) == Z_OK else {
            stream.deallocate()
            throw Failure(compressedOffset: 0, reason: "zlib could not start")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses from `input` (starting at `inputStart`) into the end of `output`, at most
    /// `room` bytes more. Returns how many input bytes were consumed; calls `memberEnded` with the
    /// compressed offset just past a member and the count of `output` at that moment, each time
    /// one ends. Stops when the input is used up or `room` bytes were made.
    package func inflate(
        _ input: [UInt8], from inputStart: Int, into output: inout [UInt8], room: Int,
        memberEnded: (_ compressedOffset: Int, _ outputCount: Int) -> Void
    ) throws(Failure) -> Int {
        let outputStart = output.count
        output.append(contentsOf: repeatElement(0, count: room))
        var outcome: (consumed: Int, produced: Int) = (0, 0)
        var failure: Failure?
        input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                do throws(Failure) {
                    outcome = try inflate(
                        UnsafeRawBufferPointer(rebasing: source[inputStart...]),
                        into: UnsafeMutableRawBufferPointer(rebasing: target[outputStart...])
                    ) { compressedOffset, produced in
                        memberEnded(compressedOffset, outputStart + produced)
                    }
                } catch {
                    failure = error
                }
            }
        }
        output.removeSubrange((outputStart + outcome.produced)...)
        if let failure { throw failure }
        return outcome.consumed
    }

    /// Decompresses from `input` into `output` until the input is used up or `output` is full, with
    /// no copy: the WARC reader inflates its file's chunks straight into its own buffer. Returns the
    /// input bytes consumed and the output bytes made; calls `memberEnded` with the compressed offset
    /// just past a member and the output bytes made at that moment, each time one ends (the stream
    /// is then reset for the next member, which keeps zlib's state and window allocated).
    package func inflate(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        memberEnded: (_ compressedOffset: Int, _ produced: Int) -> Void
    ) throws(Failure) -> (consumed: Int, produced: Int) {
        guard let source = input.baseAddress, let target = output.baseAddress else { return (0, 0) }
        var consumed = 0
        var produced = 0
        while consumed < input.count && produced < output.count {
            // zlib's input pointer is not const; it never writes through it.
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (source + consumed).assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = uInt(input.count - consumed)
            stream.pointee.next_out = (target + produced).assumingMemoryBound(to: UInt8.self)
            stream.pointee.avail_out = uInt(output.count - produced)
            let before = (input: Int(stream.pointee.avail_in), output: Int(stream.pointee.avail_out))
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            let used = before.input - Int(stream.pointee.avail_in)
            let made = before.output - Int(stream.pointee.avail_out)
            consumed += used
            compressedOffset += used
            produced += made
            isBetweenMembers = false
            switch status {
            case Z_STREAM_END:
                isBetweenMembers = true
                memberEnded(compressedOffset, produced)
                inflateReset(stream)
            case Z_OK:
                continue
            case Z_BUF_ERROR where used == 0 && made == 0:
                // No progress possible with this input: the caller brings more.
                return (consumed, produced)
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw Failure(compressedOffset: compressedOffset, reason: "not valid gzip data (\(message))")
            }
        }
        return (consumed, produced)
    }
}

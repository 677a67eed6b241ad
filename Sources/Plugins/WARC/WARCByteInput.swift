#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a ``WARCReader`` reads bytes from: a local file, or a remote one fetched range by range.
/// Implementations hand out the file's bytes in order, a chunk at a time.
protocol WARCByteInput: AnyObject {
    /// The next bytes of the file, or nil at its end (never an empty chunk).
    func nextChunk() async throws(WARCReadError) -> [UInt8]?
}

/// A local file read a megabyte at a time.
final class WARCFileInput: WARCByteInput {
    static let chunkSize = 1 << 20

    let path: String
    private let descriptor: Int32
    private var offset = 0

    init(path: String) throws(WARCReadError) {
        guard let descriptor = POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC) else {
            throw WARCReadError(source: path, offset: 0, reason: "cannot open it: \(POSIXFile.lastError)")
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        _ = POSIXFile.close(descriptor)
    }

    func nextChunk() async throws(WARCReadError) -> [UInt8]? {
        guard let bytes = POSIXFile.read(descriptor, upTo: Self.chunkSize, expected: Self.chunkSize) else {
            throw WARCReadError(source: path, offset: offset, reason: "cannot read it: \(POSIXFile.lastError)")
        }
        offset += bytes.count
        return bytes.isEmpty ? nil : bytes
    }

    /// The bytes of the file from `offset`, `length` of them at most (for a record found again by
    /// its offset: a revisit's original).
    func bytes(at offset: Int, length: Int) throws(WARCReadError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: length)
        var count = 0
        while count < length {
            let read = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + count }, length - count, off_t(offset + count))
            }
            if read < 0 {
                if errno == EINTR { continue }
                throw WARCReadError(source: path, offset: offset, reason: "cannot read it: \(POSIXFile.lastError)")
            }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a ``WARCReader`` reads bytes from: a local file, or a remote one fetched range by range.
/// Implementations hand out the file's bytes in order, a chunk at a time.
package protocol WARCByteInput: AnyObject {
    /// The next bytes of the file, or nil at its end (never an empty chunk).
    func nextChunk() async throws(WARCReadError) -> [UInt8]?
}

/// A local file read a megabyte at a time.
package final class WARCFileInput: WARCByteInput {
    static let chunkSize = 1 << 20

    let path: String
    private let descriptor: Int32
    private var offset = 0

    /// The file from byte `offset` on (a record found again by its offset).
    package init(path: String, offset: Int = 0) throws(WARCReadError) {
        guard let descriptor = POSIXFile.open(path, flags: O_RDONLY | O_CLOEXEC) else {
            throw WARCReadError(source: path, offset: offset, reason: "cannot open it: \(POSIXFile.lastError)")
        }
        if offset > 0, lseek(descriptor, off_t(offset), SEEK_SET) < 0 {
            let reason = POSIXFile.lastError
            _ = POSIXFile.close(descriptor)
            throw WARCReadError(source: path, offset: offset, reason: "cannot seek to it: \(reason)")
        }
        self.path = path
        self.descriptor = descriptor
        self.offset = offset
    }

    deinit {
        _ = POSIXFile.close(descriptor)
    }

    package func nextChunk() async throws(WARCReadError) -> [UInt8]? {
        guard let bytes = POSIXFile.read(descriptor, upTo: Self.chunkSize, expected: Self.chunkSize) else {
            throw WARCReadError(source: path, offset: offset, reason: "cannot read it: \(POSIXFile.lastError)")
        }
        offset += bytes.count
        return bytes.isEmpty ? nil : bytes
    }
}

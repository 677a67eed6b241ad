#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX file calls the sinks and the `file` fetcher make, in one place: Foundation's
/// `FileHandle` neither reports `errno` nor lets a sink cut a file back after a failed write, which
/// "nothing lost" needs; and reading a page through `FileManager`, `FileHandle` and `Data` cost the
/// fetcher a few per cent of a whole extraction run.
enum POSIXFile {
    /// Opens `path`; returns the descriptor, or nil with ``lastError`` set.
    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) -> Int32? {
        let file = systemOpen(path, flags, mode)
        return file >= 0 ? file : nil
    }

    /// Writes every byte, retrying after signals; returns the error text of a failed write, or nil.
    static func writeAll(_ bytes: [UInt8], to file: Int32) -> String? {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(file, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return lastError
            }
            written += count
        }
        return nil
    }

    /// Whether a descriptor is a directory, and the size of a regular file; nil with ``lastError`` set.
    static func kind(of file: Int32) -> (isDirectory: Bool, regularFileSize: Int?)? {
        var status = stat()
        guard fstat(file, &status) == 0 else { return nil }
        let type = status.st_mode & S_IFMT
        return (type == S_IFDIR, type == S_IFREG ? Int(status.st_size) : nil)
    }

    /// Reads until the end of the file or `limit` bytes, retrying after signals; `expected` sizes the
    /// first allocation. Nil with ``lastError`` set when a read fails.
    static func read(_ file: Int32, upTo limit: Int, expected: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: max(1, min(expected + 1, limit)))
        var count = 0
        while count < limit {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: min(bytes.count, limit - count)) }
            let read = bytes.withUnsafeMutableBytes { buffer in
                systemRead(file, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if read < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Closes a descriptor; returns the error text, or nil.
    static func close(_ file: Int32) -> String? {
        systemClose(file) == 0 ? nil : lastError
    }

    /// `strerror(errno)`.
    static var lastError: String {
        String(cString: strerror(errno))
    }
}

// The C functions under names that do not collide with the methods above.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemWrite(_ file: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int { write(file, bytes, count) }
private func systemClose(_ file: Int32) -> Int32 { close(file) }
private func systemRead(_ file: Int32, _ bytes: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(file, bytes, count) }

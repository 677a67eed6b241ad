import Foundation

/// Reads a file line by line in 64 KiB chunks, so that a list of millions of URLs or a JSON Lines
/// file of gigabytes never sits in memory at once.
struct LineReader: ~Copyable {
    /// The file could not be opened or read.
    struct ReadError: Error, Sendable {
        var path: String
        var reason: String
    }

    private let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Where the unread part of ``buffer`` starts.
    private var start = 0
    private var atEnd = false
    /// The 1-based number of the line ``nextLine()`` returned last.
    private(set) var lineNumber = 0

    init(path: String) throws(ReadError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReadError(path: path, reason: String(cString: strerror(errno)))
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// The next line's bytes without the line break, or nil at the end of the file. A last line
    /// without a line break is returned too.
    mutating func nextLine() throws(ReadError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    /// Reads the next chunk, dropping what was already consumed.
    private mutating func fill() throws(ReadError) {
        buffer.removeSubrange(0..<start)
        start = 0
        let chunkSize = 65_536
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { bytes in
                read(descriptor, bytes.baseAddress.map { $0 + oldCount }, chunkSize)
            }
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            let reason = String(cString: strerror(errno))
            buffer.removeSubrange(oldCount...)
            throw ReadError(path: path, reason: reason)
        }
        buffer.removeSubrange((oldCount + count)...)
        if count == 0 { atEnd = true }
    }
}

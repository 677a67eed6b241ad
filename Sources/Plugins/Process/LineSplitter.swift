#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One line a process wrote, without its line break.
struct OutputLine: Sendable, Equatable {
    /// The line's bytes; for a line longer than the reader's limit, its first bytes only.
    var bytes: [UInt8]
    /// The line's whole length in bytes.
    var length: Int

    /// Whether the line was longer than the limit (``bytes`` holds its beginning).
    var isTruncated: Bool { length > bytes.count }
}

/// Cuts a stream of bytes into lines at `\n` (a `\r` before it is dropped), as they come in pieces.
///
/// Only `\n` ends a line: JSON text escapes every control character inside strings, but may hold
/// U+2028 and U+2029 raw, which a general line reader would take for line breaks. A line longer
/// than `limit` bytes keeps its first `limit` bytes and its length, so that a runaway process
/// cannot fill memory and the caller can still say what went wrong.
struct LineSplitter {
    let limit: Int
    private var pending: [UInt8] = []
    private var pendingLength = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// The lines that `bytes` completes, in order; an unfinished line waits for the next piece.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> [OutputLine] {
        guard let base = bytes.baseAddress else { return [] }
        var lines: [OutputLine] = []
        var offset = 0
        while offset < bytes.count {
            // memchr: the pieces are up to a pipe's size, and lines can be megabytes.
            guard let newline = memchr(base + offset, 0x0A, bytes.count - offset) else {
                take(base + offset, count: bytes.count - offset)
                break
            }
            let end = base.distance(to: UnsafeRawPointer(newline))
            take(base + offset, count: end - offset)
            lines.append(endLine())
            offset = end + 1
        }
        return lines
    }

    /// The last line when the stream ended without a line break after it.
    mutating func finish() -> OutputLine? {
        pendingLength > 0 ? endLine() : nil
    }

    private mutating func take(_ start: UnsafeRawPointer, count: Int) {
        let kept = min(count, max(0, limit - pending.count))
        if kept > 0 { pending.append(contentsOf: UnsafeBufferPointer(start: start.assumingMemoryBound(to: UInt8.self), count: kept)) }
        pendingLength += count
    }

    private mutating func endLine() -> OutputLine {
        var bytes = pending
        var length = pendingLength
        pending = []
        pendingLength = 0
        if length == bytes.count, bytes.last == 0x0D {
            bytes.removeLast()
            length -= 1
        }
        return OutputLine(bytes: bytes, length: length)
    }
}

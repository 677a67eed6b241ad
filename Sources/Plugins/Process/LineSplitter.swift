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
        var lines: [OutputLine] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                take(bytes[start...])
                break
            }
            take(bytes[start..<newline])
            lines.append(endLine())
            start = newline + 1
        }
        return lines
    }

    /// The last line when the stream ended without a line break after it.
    mutating func finish() -> OutputLine? {
        pendingLength > 0 ? endLine() : nil
    }

    private mutating func take(_ piece: Slice<UnsafeRawBufferPointer>) {
        let room = max(0, limit - pending.count)
        if room > 0 { pending.append(contentsOf: piece.prefix(room)) }
        pendingLength += piece.count
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

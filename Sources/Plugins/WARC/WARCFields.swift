import ETLKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The header of a WARC record: its version line and named fields, in the order written.
///
/// Names compare without case (`WARC-Target-URI` and `warc-target-uri` are one field), as the
/// standard says; they are written as given. A header is parsed from the reader's buffer where it
/// lies (``parse(_:)-(UnsafeRawBufferPointer)``), and a field is looked up without making strings.
package struct WARCFields: Sendable {
    /// The version line: `WARC/1.1` for what ``WARCWriter`` writes; `WARC/1.0` and others as read.
    package var version: String
    /// The fields in order.
    private(set) var entries: [(name: String, value: String)]

    init(version: String = "WARC/1.1", _ entries: [(name: String, value: String)] = []) {
        self.version = version
        self.entries = entries
    }

    /// The first value of a field, by case-insensitive name (ASCII case, as field names are).
    package subscript(name: String) -> String? {
        // Nearly every writer spells names as the standard does: an exact match first.
        if let exact = entries.first(where: { $0.name == name }) { return exact.value }
        return entries.first { Self.equalIgnoringASCIICase($0.name, name) }?.value
    }

    /// Whether two names are the same but for ASCII capitals, compared byte by byte.
    private static func equalIgnoringASCIICase(_ first: String, _ second: String) -> Bool {
        var first = first.utf8.makeIterator()
        var second = second.utf8.makeIterator()
        while true {
            switch (first.next(), second.next()) {
            case (nil, nil): return true
            case (let one?, let other?) where one == other || (one | 0x20 == other | 0x20 && (one | 0x20) >= 0x61 && (one | 0x20) <= 0x7A): continue
            default: return false
            }
        }
    }

    /// Adds a field at the end (a field may appear more than once, like `WARC-Concurrent-To`).
    mutating func append(_ name: String, _ value: String) {
        entries.append((name: name, value: value))
    }

    /// Replaces every value of a field with one, at the place of the first (or at the end).
    mutating func set(_ name: String, _ value: String) {
        let lowercased = name.lowercased()
        let place = entries.firstIndex { $0.name.lowercased() == lowercased } ?? entries.endIndex
        entries.removeAll { $0.name.lowercased() == lowercased }
        entries.insert((name: name, value: value), at: min(place, entries.endIndex))
    }

    /// The record type (`WARC-Type`).
    package var type: String? { self["WARC-Type"] }

    /// The header as written: version line, one line per field, then the empty line that ends it.
    /// Line breaks in a value (never written by etl) are replaced by spaces, so that no value can
    /// add a field of its own.
    func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 * (entries.count + 1))
        bytes.append(contentsOf: version.utf8)
        bytes.append(contentsOf: [0x0D, 0x0A])
        for (name, value) in entries {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            bytes.append(contentsOf: value.utf8.map { $0 == 0x0D || $0 == 0x0A ? UInt8(ascii: " ") : $0 })
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    /// Reads a header from its lines (without the empty line that ends it). A line that starts with
    /// a space or a tab continues the field before it. Fails with the reason when the bytes are not
    /// a WARC header.
    static func parse(_ bytes: ArraySlice<UInt8>) -> Result<WARCFields, WARCParseFailure> {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// ``parse(_:)-(ArraySlice<UInt8>)`` on bytes where they lie (the reader's buffer): lines are
    /// found by `memchr`, and strings are made only for the version, names and values.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<WARCFields, WARCParseFailure> {
        let all = bytes.bindMemory(to: UInt8.self)
        var fields = WARCFields(version: "")
        fields.entries.reserveCapacity(12)
        var lineStart = 0
        var isFirst = true
        while lineStart < all.count || isFirst {
            var lineEnd = all.count
            if lineStart < all.count, let base = all.baseAddress,
                let newline = memchr(base + lineStart, 0x0A, all.count - lineStart)
            {
                lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            let next = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > lineStart, all[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: all[lineStart..<contentEnd])
            lineStart = next
            if isFirst {
                isFirst = false
                guard line.starts(with: "WARC/".utf8) else {
                    let shown = String(decoding: line.prefix(40), as: UTF8.self)
                    return .failure(WARCParseFailure(reason: "a record does not start with a WARC/ version line (found \"\(shown)\")"))
                }
                fields.version = String(decoding: line, as: UTF8.self)
                continue
            }
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09, let last = fields.entries.indices.last {
                fields.entries[last].value += " " + trimmed(line, from: 0)
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(WARCParseFailure(reason: "a header line has no colon: \"\(String(decoding: line.prefix(60), as: UTF8.self))\""))
            }
            let name = trimmed(UnsafeBufferPointer(rebasing: line[..<colon]), from: 0)
            fields.entries.append((name: name, value: trimmed(line, from: colon + 1)))
        }
        return .success(fields)
    }

    /// The text of `line[from...]` without white space at either end: ASCII white space is taken
    /// off the bytes; should a non-ASCII byte then start or end them, the text is trimmed as
    /// `trimmingWhitespace()` does (Unicode white space), as a string.
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>, from: Int) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var lower = from
        var upper = line.count
        while lower < upper, isSpace(line[lower]) { lower += 1 }
        while upper > lower, isSpace(line[upper - 1]) { upper -= 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: line[lower..<upper]), as: UTF8.self)
        guard lower < upper, line[lower] < 0x80, line[upper - 1] < 0x80 else { return text.trimmingWhitespace() }
        return text
    }
}

/// Why bytes are not a WARC header.
struct WARCParseFailure: Error, Sendable {
    var reason: String
}

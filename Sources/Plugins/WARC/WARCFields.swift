/// The header of a WARC record: its version line and named fields, in the order written.
///
/// Names compare without case (`WARC-Target-URI` and `warc-target-uri` are one field), as the
/// standard says; they are written as given.
package struct WARCFields: Sendable {
    /// The version line: `WARC/1.1` for what ``WARCWriter`` writes; `WARC/1.0` and others as read.
    package var version: String
    /// The fields in order.
    private(set) var entries: [(name: String, value: String)]

    init(version: String = "WARC/1.1", _ entries: [(name: String, value: String)] = []) {
        self.version = version
        self.entries = entries
    }

    /// The first value of a field, by case-insensitive name.
    package subscript(name: String) -> String? {
        entries.first { $0.name.count == name.count && $0.name.lowercased() == name.lowercased() }?.value
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
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            line.last == 0x0D ? line.dropLast() : line
        }
        guard let first = lines.first, first.starts(with: "WARC/".utf8) else {
            let shown = String(decoding: (lines.first ?? [])[...].prefix(40), as: UTF8.self)
            return .failure(WARCParseFailure(reason: "a record does not start with a WARC/ version line (found \"\(shown)\")"))
        }
        var fields = WARCFields(version: String(decoding: first, as: UTF8.self))
        lines.removeFirst()
        for line in lines where !line.isEmpty {
            if line.first == 0x20 || line.first == 0x09, let last = fields.entries.indices.last {
                fields.entries[last].value += " " + String(decoding: line, as: UTF8.self).trimmingWhitespace()
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(WARCParseFailure(reason: "a header line has no colon: \"\(String(decoding: line.prefix(60), as: UTF8.self))\""))
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).trimmingWhitespace()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
            fields.entries.append((name: name, value: value))
        }
        return .success(fields)
    }
}

/// Why bytes are not a WARC header.
struct WARCParseFailure: Error, Sendable {
    var reason: String
}

/// Substring and token tests over ASCII-lower-cased bytes. Class and id names are checked for every
/// element of every page: `String.contains` goes through Foundation and cost 40% of the cleaner's
/// time when measured; a plain loop over bytes costs next to nothing (names are short).
enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { nee in
                let first = nee[0]
                var start = 0
                let last = hay.count - nee.count
                while start <= last {
                    if hay[start] == first {
                        var offset = 1
                        while offset < nee.count && hay[start + offset] == nee[offset] { offset += 1 }
                        if offset == nee.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }

    /// The runs of letters and digits (ASCII, plus any non-ASCII byte) in `bytes`.
    static func tokens(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split { byte in byte < 0x80 && !((byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)) }
    }

    /// `bytes` with ASCII capitals made small.
    static func asciiLowercased<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        bytes.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
    }
}

/// Several byte patterns looked for at once: each position of the haystack is compared only with
/// the patterns that start with its byte (class names are tested against some 80 words per element).
struct BytePatternSet: Sendable {
    private var buckets: [[[UInt8]]] = Array(repeating: [], count: 256)

    init(_ words: [String]) {
        for word in words where !word.isEmpty {
            let bytes = Array(word.utf8)
            buckets[Int(bytes[0])].append(bytes)
        }
    }

    /// Whether any pattern occurs in `haystack`.
    func matches(_ haystack: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { hay in
            for start in 0..<hay.count {
                for pattern in buckets[Int(hay[start])] where pattern.count <= hay.count - start {
                    var offset = 1
                    while offset < pattern.count && hay[start + offset] == pattern[offset] { offset += 1 }
                    if offset == pattern.count { return true }
                }
            }
            return false
        }
    }
}

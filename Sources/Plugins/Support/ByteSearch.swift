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

    /// Whether any of `needles` occurs in `haystack`.
    static func containsAny(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        needles.contains { contains(haystack, $0) }
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

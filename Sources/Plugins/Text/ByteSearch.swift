import Glibc

/// Substring and token tests over ASCII-lower-cased bytes. Class and id names are checked for every
/// element of every page: `String.contains` goes through Foundation and cost 40% of the cleaner's
/// time when measured; a plain loop over bytes costs next to nothing (names are short).
package enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { contains($0, needle) }
    }

    /// Whether `needle` occurs in `text`, compared as UTF-8 bytes (`String.contains` compares
    /// characters, and goes through Foundation); the text is not copied.
    package static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        var text = text
        return text.withUTF8 { contains($0, needle) }
    }

    /// Whether `needle` occurs in `haystack`. `memchr` finds each candidate of one byte of the
    /// needle, its first upper-case letter if it has one (most bytes of HTML are lower case, so
    /// `schema.org/Question` is looked for from its `Q`), else its first byte; the rest is compared
    /// there. Fast enough for a whole page (a megabyte of HTML in well under a millisecond).
    package static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard let base = haystack.baseAddress, haystack.count >= needle.count else { return false }
        let anchor = needle.firstIndex { $0 >= 0x41 && $0 <= 0x5A } ?? 0
        let last = haystack.count - needle.count + anchor
        var start = anchor
        while start <= last {
            guard let found = memchr(base + start, Int32(needle[anchor]), last - start + 1) else { return false }
            let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) - anchor
            if needle.indices.allSatisfy({ haystack[offset + $0] == needle[$0] }) { return true }
            start = offset + anchor + 1
        }
        return false
    }

    /// Whether any run of letters and digits (ASCII, plus any non-ASCII byte) in `bytes` passes
    /// `test`; scans without allocating.
    package static func containsToken(_ bytes: [UInt8], where test: (ArraySlice<UInt8>) -> Bool) -> Bool {
        var start = -1
        for index in 0...bytes.count {
            let isWordByte: Bool
            if index < bytes.count {
                let byte = bytes[index]
                isWordByte = byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
            } else {
                isWordByte = false
            }
            if isWordByte {
                if start < 0 { start = index }
            } else if start >= 0 {
                if test(bytes[start..<index]) { return true }
                start = -1
            }
        }
        return false
    }

    /// `bytes` with ASCII capitals made small.
    ///
    /// It runs over every short line of every page: contiguous bytes (a native string's UTF-8, an
    /// array slice) are copied in one pass into an array allocated once, which is several times
    /// faster than `map` over a generic sequence.
    package static func asciiLowercased<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        let copied = bytes.withContiguousStorageIfAvailable { buffer in
            [UInt8](unsafeUninitializedCapacity: buffer.count) { output, count in
                for index in buffer.indices {
                    let byte = buffer[index]
                    output[index] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                }
                count = buffer.count
            }
        }
        return copied ?? bytes.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
    }

    /// The UTF-8 bytes of `text` with ASCII capitals made small.
    package static func asciiLowercased(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { asciiLowercased($0) }
    }
}

/// Several byte patterns looked for at once: each position of the haystack is compared only with
/// the patterns that start with its two bytes (class names are tested against some 100 words per element).
/// Patterns may belong to groups, so that one scan tells which groups occur.
package struct BytePatternSet: Sendable {
    /// One pattern: where its bytes sit in ``bytes``, how many, and its group's bit.
    private struct Pattern {
        var start: Int32
        var length: Int32
        var group: UInt32
    }

    /// Every pattern's bytes, one after another.
    private var bytes: [UInt8] = []
    /// The patterns, ordered by their first two bytes (a one-byte pattern is in every bucket of its byte).
    private var patterns: [Pattern] = []
    /// Bucket `b` holds `patterns[bucketStart[b]..<bucketStart[b + 1]]`; bucket 0 is empty.
    /// Flat arrays of plain values, not an array of arrays: the scan then touches no reference
    /// counts, which had made it the largest single cost of reading class names.
    private var bucketStart: [Int32] = [0, 0]
    /// The bucket of each pair of bytes (`first << 8 | second`), 0 when no pattern starts with it.
    /// By pair rather than by first byte: a common first byte ("c": comment, content, cookie, …)
    /// had each passing position compared with a dozen patterns.
    private var pairBucket = [UInt16](repeating: 0, count: 65_536)
    /// One bit per pair of bytes that starts a pattern (a one-byte pattern sets all pairs of its
    /// byte): most positions of a haystack start no pattern, and this says so in one look-up of a
    /// table small enough to stay in the cache.
    private var pairs = [UInt64](repeating: 0, count: 65_536 / 64)

    /// One group of patterns.
    package init(_ words: [String]) {
        self.init(groups: [words])
    }

    /// Several groups: group `i` sets bit `i` of ``groups(in:)``.
    package init(groups: [[String]]) {
        var byPair = [Int: [(bytes: [UInt8], group: UInt32)]]()
        for (index, words) in groups.enumerated() {
            for word in words where !word.isEmpty {
                let wordBytes = Array(word.utf8)
                let first = Int(wordBytes[0])
                let seconds = wordBytes.count > 1 ? [Int(wordBytes[1])] : Array(0..<256)
                for second in seconds {
                    byPair[first << 8 | second, default: []].append((wordBytes, UInt32(1) << UInt32(index)))
                }
            }
        }
        for (pair, bucket) in byPair.sorted(by: { $0.key < $1.key }) {
            for pattern in bucket {
                patterns.append(Pattern(start: Int32(bytes.count), length: Int32(pattern.bytes.count), group: pattern.group))
                bytes += pattern.bytes
            }
            pairBucket[pair] = UInt16(bucketStart.count - 1)
            bucketStart.append(Int32(patterns.count))
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
    }

    /// Whether any pattern occurs in `haystack`.
    package func matches(_ haystack: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { scan($0, foldingCase: false, stopAtFirst: true) } != 0
    }

    /// Whether any pattern occurs in `text` read with ASCII letters lower-cased (the patterns being
    /// lower-case): the same as ``matches(_:)`` of ``ByteSearch/asciiLowercased(_:)-(String)``
    /// without making that copy.
    package func matches(ignoringASCIICase text: String) -> Bool {
        var text = text
        return text.withUTF8 { scan($0, foldingCase: true, stopAtFirst: true) } != 0
    }

    /// The groups (as bits) with a pattern that occurs in `haystack`, in one pass.
    package func groups(in haystack: [UInt8]) -> UInt32 {
        haystack.withUnsafeBufferPointer { scan($0, foldingCase: false, stopAtFirst: false) }
    }

    private func scan(_ hay: UnsafeBufferPointer<UInt8>, foldingCase: Bool, stopAtFirst: Bool) -> UInt32 {
        bytes.withUnsafeBufferPointer { bytes in
            patterns.withUnsafeBufferPointer { patterns in
                bucketStart.withUnsafeBufferPointer { bucketStart in
                    pairBucket.withUnsafeBufferPointer { pairBucket in
                        pairs.withUnsafeBufferPointer { pairs in
                            foldingCase
                                ? Self.scan(
                                    hay, bytes: bytes, patterns: patterns, bucketStart: bucketStart, pairBucket: pairBucket,
                                    pairs: pairs, stopAtFirst: stopAtFirst, reading: ASCIICaseFolded.self)
                                : Self.scan(
                                    hay, bytes: bytes, patterns: patterns, bucketStart: bucketStart, pairBucket: pairBucket,
                                    pairs: pairs, stopAtFirst: stopAtFirst, reading: AsWritten.self)
                        }
                    }
                }
            }
        }
    }

    /// How the scan reads the haystack's bytes: a type rather than a closure, so that each way
    /// gets its own specialised loop (a closure was called per byte).
    private protocol ByteReading { static func byte(_ byte: UInt8) -> UInt8 }
    private enum AsWritten: ByteReading {
        @inline(__always) static func byte(_ byte: UInt8) -> UInt8 { byte }
    }
    private enum ASCIICaseFolded: ByteReading {
        @inline(__always) static func byte(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }
    }

    private static func scan<Reading: ByteReading>(
        _ hay: UnsafeBufferPointer<UInt8>, bytes: UnsafeBufferPointer<UInt8>, patterns: UnsafeBufferPointer<Pattern>,
        bucketStart: UnsafeBufferPointer<Int32>, pairBucket: UnsafeBufferPointer<UInt16>, pairs: UnsafeBufferPointer<UInt64>,
        stopAtFirst: Bool, reading: Reading.Type
    ) -> UInt32 {
        func byte(_ value: UInt8) -> UInt8 { Reading.byte(value) }
        var found: UInt32 = 0
        for start in 0..<hay.count {
            // The byte after the last one counts as 0: only one-byte patterns set those pairs.
            let pair = Int(byte(hay[start])) << 8 | (start + 1 < hay.count ? Int(byte(hay[start + 1])) : 0)
            guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else { continue }
            let bucket = Int(pairBucket[pair])
            var index = Int(bucketStart[bucket])
            let end = Int(bucketStart[bucket + 1])
            while index < end {
                let pattern = patterns[index]
                index += 1
                let length = Int(pattern.length)
                guard length <= hay.count - start, found & pattern.group == 0 else { continue }
                let patternStart = Int(pattern.start)
                // The bucket matched the first two bytes (the first only, for a one-byte pattern).
                var offset = min(2, length)
                while offset < length && byte(hay[start + offset]) == bytes[patternStart + offset] { offset += 1 }
                if offset == length {
                    found |= pattern.group
                    if stopAtFirst { return found }
                }
            }
        }
        return found
    }
}

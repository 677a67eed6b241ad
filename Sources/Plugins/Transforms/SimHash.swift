import ETLKit
import ETLText

/// Fingerprints of article text for the `dedup` transform: the content hash of the normalised text,
/// and a 64-bit SimHash over word 3-shingles, whose Hamming distance is small for texts that differ
/// in a few words.
///
/// Both read the text through ``TextFold`` (ZWNJ-, yeh/kaf-, digit- and case-insensitive, white
/// space folded) after leaving out the agency lead-in «به گزارش …،» («به گزارش ایسنا،», «به گزارش
/// گروه بین‌الملل مهر،»): agencies republish each other's stories under their own name there, and it
/// is no part of the story.
enum SimHash {
    /// The text the fingerprints are made from.
    static func normalized(_ text: String) -> String {
        TextFold.fold(withoutLeadIns(text))
    }

    /// SHA-256 (hex) of the normalised text.
    static func contentHash(_ text: String) -> String {
        MessageDigest.hex(.sha256, of: normalized(text))
    }

    /// The SimHash of the text's word 3-shingles (fewer words: one shingle of them all); 0 for a text
    /// with no words.
    static func fingerprint(_ text: String) -> UInt64 {
        let words = TextFold.words(withoutLeadIns(text))
        guard !words.isEmpty else { return 0 }
        let size = min(3, words.count)
        var counts = [Int](repeating: 0, count: 64)
        for start in 0...(words.count - size) {
            let hash = shingleHash(words[start..<(start + size)].joined(separator: " "))
            for bit in 0..<64 {
                counts[bit] += (hash >> UInt64(bit)) & 1 == 1 ? 1 : -1
            }
        }
        var result: UInt64 = 0
        for bit in 0..<64 where counts[bit] > 0 { result |= 1 << UInt64(bit) }
        return result
    }

    /// The number of bits in which two fingerprints differ.
    static func distance(_ a: UInt64, _ b: UInt64) -> Int {
        (a ^ b).nonzeroBitCount
    }

    /// Which shingle hash made a fingerprint: fingerprints of another version are not compared
    /// (the dedup state keeps it beside each one). 1: SHA-256's first 64 bits; 2: ``shingleHash(_:)``.
    static let fingerprintVersion = 2

    /// A 64-bit hash of the shingle's UTF-8 bytes, stable across runs and machines (unlike `Hasher`):
    /// FNV-1a, then MurmurHash3's 64-bit finaliser, so that every output bit depends on every input
    /// bit, as SimHash's per-bit votes need. No cryptographic strength is needed here: over the 533
    /// shingles of an ISNA article ×200 (release), SHA-256's first 64 bits took 95 ms, this 7.8 ms.
    static func shingleHash(_ shingle: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in shingle.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash &*= 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }

    /// The text without agency lead-ins: «به گزارش» and at most ten more words up to a comma («،» or
    /// «,») or «؛». Without such a comma the words stay.
    static func withoutLeadIns(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let marker = Array("به گزارش".unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == marker[0], index + marker.count <= scalars.count,
                scalars[index..<(index + marker.count)].elementsEqual(marker),
                index == 0 || !TextFold.isLetterOrDigit(scalars[index - 1])
            {
                // Look for the comma within the next ten words.
                var cursor = index + marker.count
                var words = 0
                var inWord = false
                var end: Int?
                while cursor < scalars.count, words <= 10 {
                    let scalar = scalars[cursor]
                    if scalar == "،" || scalar == "," || scalar == "؛" {
                        end = cursor + 1
                        break
                    }
                    if scalar == "." || scalar == "\n" || scalar == ":" { break }
                    let isSpace = TextFold.isSpace(scalar)
                    if !isSpace && !inWord { words += 1 }
                    inWord = !isSpace
                    cursor += 1
                }
                if let end {
                    index = end
                    continue
                }
            }
            result.append(scalars[index])
            index += 1
        }
        return String(result)
    }
}

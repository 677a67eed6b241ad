import Foundation

extension String {
    /// The text in Unicode Normalization Form C, the form the web's own specifications ask text to be
    /// compared and stored in (W3C Character Model): "ü" as one scalar, not "u" and a combining
    /// diaeresis; Bengali "য়" as য and its nukta. Text copied from systems that decompose (macOS file
    /// names, some CMS editors) then matches what readers type and search for.
    ///
    /// Most text is NFC already and is returned as it is, after a scan that answers from the bytes
    /// for scalars under U+0300 and from the scalar properties above; only text with a combining
    /// mark, a scalar that never stays composed, a vowel sign that may compose or Hangul jamo goes
    /// through Foundation's normalizer (some 40 MB/s here).
    package var canonicallyComposed: String {
        guard mayNeedComposition else { return self }
        return precomposedStringWithCanonicalMapping
    }

    /// Whether the text may differ from its NFC form (a quick check: "false" is sure, "true" may not be).
    package var mayNeedComposition: Bool {
        // Every scalar under U+0300 is NFC on its own, and in UTF-8 they are the bytes under 0xCC.
        guard utf8.contains(where: { $0 >= 0xCC }) else { return false }
        return unicodeScalars.contains(where: CompositionQuickCheck.mayChange)
    }
}

/// The per-scalar test behind ``Swift/String/mayNeedComposition``: a scalar may change under NFC
/// when it combines with what precedes it (a combining mark, a spacing vowel sign, Hangul jamo) or
/// never stays composed (a composition exclusion).
///
/// Every scalar of a Persian, Arabic, Cyrillic or CJK text is over U+0300, and reading its Unicode
/// properties costs a table lookup each: the answers for the Basic Multilingual Plane are worked
/// out once (65,280 scalars, about a millisecond) into a bit set of 8 KB.
private enum CompositionQuickCheck {
    /// One bit per scalar of the BMP, set when the scalar may change.
    static let basicPlane: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 0x10000 / 64)
        for value in UInt32(0x300)..<0x10000 where !uniformRanges.contains(where: { $0.contains(value) }) {
            guard let scalar = Unicode.Scalar(value), fromProperties(scalar) else { continue }
            bits[Int(value >> 6)] |= 1 << UInt64(value & 63)
        }
        return bits
    }()

    /// Blocks whose every scalar is a starter that stays composed (CJK ideographs, Hangul
    /// syllables, which compose with a following jamo, not a preceding one) or no character at all
    /// (surrogates, private use): two thirds of the plane, left out of the table's making, which
    /// then costs about 2 ms of a run's start instead of 6. The BMP test in
    /// `CanonicalCompositionTests` checks every scalar against Foundation's NFC.
    private static let uniformRanges: [ClosedRange<UInt32>] = [0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3, 0xD800...0xF8FF]

    static func mayChange(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard value >= 0x300 else { return false }
        guard value < 0x10000 else { return fromProperties(scalar) }
        return basicPlane[Int(value >> 6)] & (1 << UInt64(value & 63)) != 0
    }

    private static func fromProperties(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.canonicalCombiningClass != .notReordered || properties.isFullCompositionExclusion
            || properties.generalCategory == .spacingMark || (0x1161...0x11C2).contains(scalar.value)
    }
}

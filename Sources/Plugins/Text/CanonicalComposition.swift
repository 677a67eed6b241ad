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
        return unicodeScalars.contains { scalar in
            guard scalar.value >= 0x300 else { return false }
            let properties = scalar.properties
            return properties.canonicalCombiningClass != .notReordered || properties.isFullCompositionExclusion
                || properties.generalCategory == .spacingMark || (0x1161...0x11C2).contains(scalar.value)
        }
    }
}

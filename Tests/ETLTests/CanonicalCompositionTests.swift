import ETLText
import Foundation
import Testing

/// The quick check in front of NFC: it may say "maybe" for text that is NFC already, never "no"
/// for text that is not, whatever the script (its answers for the BMP come from a table made once).
@Suite struct CanonicalCompositionTests {
    /// Starters that compose with what follows them in some script: Latin, Arabic (hamza, madda),
    /// Devanagari (nukta), Hangul (a leading jamo with a vowel jamo), and a plain digit.
    static let starters = ["e", "a", "\u{0627}", "\u{0648}", "\u{0915}", "\u{1100}", "1"]

    @Test func noScalarOfTheBasicPlaneMakesTextNonNFCUnnoticed() {
        var missed: [String] = []
        for value in UInt32(0x300)..<0x10000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar)] + Self.starters.map({ $0 + String(scalar) }) {
                if text.precomposedStringWithCanonicalMapping != text, !text.mayNeedComposition {
                    missed.append(String(format: "U+%04X in %@", value, text.unicodeScalars.map { String(format: "%04X", $0.value) }.joined(separator: " ")))
                }
            }
        }
        #expect(missed.isEmpty, "not NFC, yet the quick check said no: \(missed.prefix(10))")
    }

    @Test func textThatIsNFCPassesWithoutNormalizing() {
        // Persian with ZWNJ, Russian, Chinese, Latin with precomposed letters: all NFC.
        for text in ["می‌خواهم کتاب‌ها را بخوانم", "Привет, мир", "你好，世界", "Grüße aus Köln", "naïve café"] {
            #expect(!text.mayNeedComposition, "\(text)")
            #expect(text.canonicallyComposed == text)
        }
        #expect("Gru\u{308}ße".canonicallyComposed == "Grüße")
        #expect("\u{0627}\u{0653}".canonicallyComposed == "\u{0622}")
    }
}

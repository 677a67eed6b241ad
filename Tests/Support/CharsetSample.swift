/// A text in a legacy charset and what it decodes to, for the decoding and fetcher tests.
package enum CharsetSample {
    /// "مي‌خواهم سلام" in windows-1256: 0x9D is U+200C (ZWNJ); Arabic yeh (0xED), as such pages use.
    package static let arabicWindows1256: [UInt8] = [0xE3, 0xED, 0x9D, 0xCE, 0xE6, 0xC7, 0xE5, 0xE3, 0x20, 0xD3, 0xE1, 0xC7, 0xE3]
    /// ``arabicWindows1256`` decoded.
    package static let arabicText = "\u{0645}\u{064A}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645} \u{0633}\u{0644}\u{0627}\u{0645}"
}

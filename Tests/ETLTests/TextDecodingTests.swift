import ETLPlugins
import ETLTestSupport
import ETLText
import Testing

/// Charset decisions and decoding: header, BOM, meta, fallback, windows-1256 with ZWNJ.
@Suite struct TextDecodingTests {
    // MARK: Content-Type

    @Test func mediaTypeIsLowerCaseWithoutParameters() {
        #expect(TextDecoding.mediaType(ofContentType: "Text/HTML; charset=UTF-8") == "text/html")
        #expect(TextDecoding.mediaType(ofContentType: " application/xhtml+xml ") == "application/xhtml+xml")
        #expect(TextDecoding.mediaType(ofContentType: "") == nil)
        #expect(TextDecoding.mediaType(ofContentType: "; charset=utf-8") == nil)
    }

    /// Replacement characters are counted against the other non-ASCII characters (of 1 to 4
    /// UTF-8 bytes); ASCII does not count.
    @Test func mostlyReplacementCountsNonASCIICharacters() {
        #expect(!TextDecoding.isMostlyReplacement(""))
        #expect(!TextDecoding.isMostlyReplacement("plain ASCII only"))
        #expect(!TextDecoding.isMostlyReplacement(CharsetSample.arabicText))
        #expect(TextDecoding.isMostlyReplacement("abc \u{FFFD}"))
        #expect(TextDecoding.isMostlyReplacement("\u{FFFD}\u{FFFD}é😀"))
        #expect(!TextDecoding.isMostlyReplacement("\u{FFFD}é😀"))
        #expect(TextDecoding.isMostlyReplacement("\u{FFFD}\u{FFFD}\u{FFFD}سلا"))
        #expect(!TextDecoding.isMostlyReplacement("\u{FFFD}\u{FFFD}\u{FFFD}سلام"))
        // U+FFFC and U+FFFE are near U+FFFD in UTF-8 (EF BF BC, EF BF BE) but are not it.
        #expect(!TextDecoding.isMostlyReplacement("\u{FFFC}\u{FFFE}"))
    }

    @Test func charsetParameterIsFoundAmongParameters() {
        #expect(TextDecoding.charsetParameter(ofContentType: "text/html; charset=windows-1256") == "windows-1256")
        #expect(TextDecoding.charsetParameter(ofContentType: "text/html;boundary=x; Charset=\"UTF-8\"") == "UTF-8")
        #expect(TextDecoding.charsetParameter(ofContentType: "text/html") == nil)
    }

    // MARK: windows-1256

    @Test func windows1256ByteNineDIsZeroWidthNonJoiner() {
        let decoded = TextDecoding.decode([0x9D], contentType: "text/html; charset=windows-1256")
        #expect(Array(decoded.text.unicodeScalars) == ["\u{200C}"])
        #expect(decoded.charset == "windows-1256")
    }

    @Test(arguments: ["windows-1256", "cp1256", "CP1256", "\"Windows-1256\""])
    func windows1256LabelsDecodeArabic(label: String) {
        let decoded = TextDecoding.decode(CharsetSample.arabicWindows1256, contentType: "text/html; charset=\(label)")
        #expect(decoded.text == CharsetSample.arabicText)
        #expect(Array(decoded.text.unicodeScalars)[2] == "\u{200C}")
        #expect(decoded.charset == "windows-1256")
    }

    @Test func longArabicTextGrowsTheOutputBuffer() {
        // 10 000 two-byte letters do not fit the first buffer (1.5 × the input): E2BIG must grow it.
        let bytes = [UInt8](repeating: 0xC7, count: 10_000) + [0x9D, 0x41]
        let decoded = TextDecoding.decode(bytes, forcedCharset: "cp1256")
        let scalars = Array(decoded.text.unicodeScalars)
        #expect(scalars.count == 10_002)
        #expect(scalars.prefix(10_000).allSatisfy { $0 == "\u{0627}" })
        #expect(scalars.suffix(2) == ["\u{200C}", "A"])
    }

    // MARK: Other charsets and aliases

    @Test(arguments: ["iso-8859-1", "latin1", "windows-1252"])
    func latin1LabelsDecodeAsWindows1252(label: String) {
        // 0xE9 is é in both; 0x93 is a left double quotation mark only in windows-1252.
        let decoded = TextDecoding.decode([0x93, 0x63, 0x61, 0x66, 0xE9], contentType: "text/plain; charset=\(label)")
        #expect(decoded.text == "\u{201C}caf\u{00E9}")
        #expect(decoded.charset == "windows-1252")
    }

    @Test func invalidByteInIconvCharsetBecomesReplacementCharacter() {
        // 0x81 is undefined in windows-1252 (EILSEQ): one U+FFFD, then decoding goes on.
        let decoded = TextDecoding.decode([0x41, 0x81, 0x42], contentType: "text/html; charset=windows-1252")
        #expect(decoded.text == "A\u{FFFD}B")
    }

    @Test func utf8AliasAndInvalidUTF8() {
        // Mostly UTF-8 with a stray byte: UTF-8, the stray byte U+FFFD, nothing detected.
        let decoded = TextDecoding.decode(Array("é".utf8) + [0x61, 0xE9, 0x62], contentType: "text/html; charset=utf8")
        #expect(decoded.text == "éa\u{FFFD}b")
        #expect(decoded.charset == "utf-8")
        #expect(decoded.mismatch == nil)
    }

    @Test func aDeclaredUTF8ThatTheBytesAreNotIsDetected() {
        // Issue #10: "Gründe für Änderungen" in windows-1252 under a header that says UTF-8.
        let latin1: [UInt8] = Array("<p>Gr".utf8) + [0xFC] + Array("nde f".utf8) + [0xFC] + Array("r ".utf8) + [0xC4] + Array("nderungen</p>".utf8)
        let decoded = TextDecoding.decode(latin1, contentType: "text/html; charset=utf-8")
        #expect(decoded.text == "<p>Gründe für Änderungen</p>")
        #expect(decoded.charset == "windows-1252")
        #expect(decoded.mismatch == TextDecoding.CharsetMismatch(declared: "utf-8", detected: "windows-1252"))
    }

    @Test func aMostlyReplacedDeclaredCharsetIsDetected() {
        // windows-1256 Arabic under a header that says ASCII (iconv's name): all U+FFFD, so detected.
        let bytes = Array("<p>".utf8) + CharsetSample.arabicWindows1256 + Array(" ".utf8) + CharsetSample.arabicWindows1256 + Array("</p>".utf8)
        let decoded = TextDecoding.decode(bytes, contentType: "text/html; charset=ANSI_X3.4-1968")
        #expect(decoded.charset == "windows-1256")
        #expect(decoded.text == "<p>\(CharsetSample.arabicText) \(CharsetSample.arabicText)</p>")
        #expect(decoded.mismatch == TextDecoding.CharsetMismatch(declared: "ansi_x3.4-1968", detected: "windows-1256"))
    }

    @Test func undeclaredBytesThatAreNotUTF8AreReadAsWindows1252() {
        // "Gründe für Änderungen" in Latin-1, with nothing declared: browsers fall back to windows-1252.
        let latin1: [UInt8] = Array("<p>Gr".utf8) + [0xFC] + Array("nde f".utf8) + [0xFC] + Array("r ".utf8) + [0xC4] + Array("nderungen</p>".utf8)
        let decoded = TextDecoding.decode(latin1)
        #expect(decoded.text == "<p>Gründe für Änderungen</p>")
        #expect(decoded.charset == "windows-1252")
        // UTF-8 with one stray byte stays UTF-8.
        let mostlyUTF8 = Array("<p>Gründe für Änderungen ".utf8) + [0xE9] + Array("</p>".utf8)
        #expect(TextDecoding.decode(mostlyUTF8).charset == "utf-8")
    }

    @Test func unknownCharsetFallsBackToUTF8() {
        let text = "می\u{200C}خواهم"
        let decoded = TextDecoding.decode(Array(text.utf8), contentType: "text/html; charset=x-no-such-charset")
        #expect(decoded.text == text)
        #expect(decoded.charset == "utf-8")
    }

    @Test func charsetLabelsWithIconvOptionsAreRefused() {
        #expect(TextDecoding.canonicalCharset(for: "windows-1256//TRANSLIT") == nil)
        #expect(TextDecoding.canonicalCharset(for: "KOI8-R") == "koi8-r")
        #expect(TextDecoding.canonicalCharset(for: "UTF8") == "utf-8")
    }

    // MARK: Byte-order marks

    @Test func utf8BOMIsDetectedAndStripped() {
        let decoded = TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("سلام".utf8))
        #expect(decoded.text == "سلام")
        #expect(decoded.charset == "utf-8")
    }

    @Test func utf16BOMsAreDetected() {
        let little = TextDecoding.decode([0xFF, 0xFE, 0x41, 0x00, 0x0C, 0x20, 0x27, 0x06])
        #expect(little.text == "A\u{200C}\u{0627}")
        #expect(little.charset == "utf-16le")
        let big = TextDecoding.decode([0xFE, 0xFF, 0x00, 0x41, 0x20, 0x0C, 0x06, 0x27])
        #expect(big.text == "A\u{200C}\u{0627}")
        #expect(big.charset == "utf-16be")
    }

    @Test func byteOrderMarkWinsOverTheHeader() {
        let decoded = TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("é".utf8), contentType: "text/html; charset=windows-1256")
        #expect(decoded.text == "é")
        #expect(decoded.charset == "utf-8")
    }

    // MARK: <meta> declarations

    @Test func metaCharsetAttribute() {
        let bytes = Array("<html><head><meta charset=\"windows-1256\"><title>".utf8) + CharsetSample.arabicWindows1256
        let decoded = TextDecoding.decode(bytes, contentType: "text/html")
        #expect(decoded.text.hasSuffix(CharsetSample.arabicText))
        #expect(decoded.charset == "windows-1256")
    }

    @Test func metaHTTPEquivInUpperCaseWithoutQuotes() {
        let bytes =
            Array("<HTML><HEAD><META HTTP-EQUIV=Content-Type CONTENT=\"text/html; charset=CP1256\"></HEAD><BODY>".utf8) + CharsetSample.arabicWindows1256
        let decoded = TextDecoding.decode(bytes)
        #expect(decoded.text.hasSuffix(CharsetSample.arabicText))
        #expect(decoded.charset == "windows-1256")
    }

    @Test func metaContentWithoutHTTPEquivIsNotADeclaration() {
        let bytes = Array("<meta name=\"description\" content=\"text/html; charset=windows-1256\">é".utf8)
        #expect(TextDecoding.decode(bytes).charset == "utf-8")
    }

    @Test func headerWinsOverMeta() {
        let bytes = Array("<meta charset=\"windows-1256\">\(CharsetSample.arabicText)".utf8)
        let decoded = TextDecoding.decode(bytes, contentType: "text/html; charset=utf-8")
        #expect(decoded.charset == "utf-8")
        #expect(decoded.text.hasSuffix(CharsetSample.arabicText))
        #expect(decoded.mismatch == nil)
    }

    @Test func metaDecidesWhenTheHeaderDoesNotFit() {
        let bytes = Array("<meta charset=\"windows-1256\">".utf8) + CharsetSample.arabicWindows1256
        let decoded = TextDecoding.decode(bytes, contentType: "text/html; charset=utf-8")
        #expect(decoded.charset == "windows-1256")
        #expect(decoded.text.hasSuffix(CharsetSample.arabicText))
        #expect(decoded.mismatch == TextDecoding.CharsetMismatch(declared: "utf-8", detected: "windows-1256"))
    }

    @Test func metaInsideACommentOrAfterFourKilobytesIsIgnored() {
        let commented = Array("<!-- <meta charset=\"windows-1256\"> --><p>".utf8) + CharsetSample.arabicWindows1256
        #expect(TextDecoding.metaCharset(in: commented) == nil)
        // Ignored: the bytes are not UTF-8, so their charset is detected.
        #expect(TextDecoding.decode(commented).charset == "windows-1256")
        #expect(TextDecoding.decode(commented).mismatch == TextDecoding.CharsetMismatch(declared: nil, detected: "windows-1256"))

        let late = Array(String(repeating: " ", count: 4100).utf8) + Array("<meta charset=\"windows-1256\">".utf8)
        #expect(TextDecoding.metaCharset(in: late) == nil)
        let early = Array(String(repeating: " ", count: 4000).utf8) + Array("<meta charset=\"windows-1256\">".utf8)
        #expect(TextDecoding.metaCharset(in: early) == "windows-1256")
    }

    @Test func metaDeclaringUTF16IsReadAsUTF8() {
        let decoded = TextDecoding.decode(Array("<meta charset=\"utf-16\"><p>سلام</p>".utf8))
        #expect(decoded.charset == "utf-8")
        #expect(decoded.text.hasSuffix("<p>سلام</p>"))
    }

    @Test func forcedCharsetOverridesHeaderAndMeta() {
        let bytes = Array("<meta charset=\"utf-8\">".utf8) + CharsetSample.arabicWindows1256
        let decoded = TextDecoding.decode(bytes, contentType: "text/html; charset=utf-8", forcedCharset: "cp1256")
        #expect(decoded.text.hasSuffix(CharsetSample.arabicText))
        #expect(decoded.charset == "windows-1256")
    }

    @Test func emptyInput() {
        #expect(TextDecoding.decode([]) == TextDecoding.Decoded(text: "", charset: "utf-8"))
        #expect(TextDecoding.decode([], forcedCharset: "windows-1256").text == "")
    }
}

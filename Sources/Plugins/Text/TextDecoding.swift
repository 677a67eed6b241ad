#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decides the charset of fetched bytes and decodes them to a Swift `String`.
///
/// The charset is decided in this order:
/// 1. a charset the caller forces (a fetcher's `charset` option);
/// 2. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE);
/// 3. the `charset` parameter of the Content-Type header;
/// 4. `<meta charset=…>` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the first
///    4 KB of the bytes;
/// 5. UTF-8.
///
/// A byte-order mark wins over the header, as in browsers (the HTML standard's encoding sniffing):
/// bytes that start with a BOM are that encoding whatever a misconfigured server says. A declared
/// charset this system cannot decode is skipped, so the next rule decides; ``Decoded/charset`` names
/// the charset that was really used.
///
/// **Declarations that lie.** The charset of rules 3–5 must fit the bytes: UTF-8 when they hold no
/// more invalid sequences than valid multi-byte ones (a stray byte or two stays U+FFFD), another
/// charset when under half of the non-ASCII characters come out as U+FFFD. Pages that declare UTF-8
/// and are windows-1256 (Persian and Arabic sites do this) or windows-1252 do not fit; their charset
/// is then detected: the `<meta>` charset when the header's did not fit, then the common single-byte
/// code pages (``detectionCandidates``), each scored by ``TextPlausibility`` (words of one script,
/// few odd characters), the best winning. ``Decoded/mismatch`` says what happened, so that a fetcher
/// can warn, or refuse bytes that no candidate reads as text. Multi-byte charsets (GBK, Shift_JIS,
/// EUC-KR) are not candidates: they turn almost any bytes into valid ideographs, so a score cannot
/// tell them from garbage. A forced charset and a byte-order mark are never second-guessed.
///
/// UTF-8 is decoded by the standard library, where an invalid byte becomes U+FFFD. Other charsets
/// go through iconv (glibc's converters), where an invalid byte also becomes U+FFFD. Labels follow the HTML standard's aliases for the common cases:
/// `iso-8859-1`, `latin1` and `us-ascii` decode as windows-1252 (what browsers do, since such pages
/// use 0x80–0x9F for curly quotes and dashes); `cp1256` is windows-1256, whose byte 0x9D is U+200C.
public enum TextDecoding {
    /// Decoded text and the charset it was decoded from.
    public struct Decoded: Sendable, Equatable {
        /// The text.
        public var text: String
        /// The charset actually used, lower case (`utf-8`, `windows-1256`).
        public var charset: String
        /// Set when the bytes did not fit the declared charset (or UTF-8, with nothing declared).
        public var mismatch: CharsetMismatch?

        public init(text: String, charset: String, mismatch: CharsetMismatch? = nil) {
            self.text = text
            self.charset = charset
            self.mismatch = mismatch
        }
    }

    /// Bytes that are not in the charset declared for them (see "Declarations that lie" above).
    public struct CharsetMismatch: Sendable, Equatable {
        /// The charset the Content-Type header or `<meta>` declared, canonical; nil when nothing
        /// was declared and UTF-8 did not fit.
        public var declared: String?
        /// The charset detected and used instead; nil when no candidate reads as text, and the
        /// text is then the declared (or UTF-8) decoding, garbled.
        public var detected: String?

        public init(declared: String?, detected: String?) {
            self.declared = declared
            self.detected = detected
        }
    }

    /// The single-byte code pages tried, in this order, for bytes that do not fit their declared
    /// charset; on equal scores the earlier wins (windows-1252 and windows-1254 read French alike).
    public static let detectionCandidates = [
        "windows-1252", "windows-1256", "windows-1251", "koi8-r", "windows-1250", "windows-1253",
        "windows-1255", "windows-1254", "windows-1257", "windows-874",
    ]

    /// How many bytes the detection scores, from just before the first non-ASCII byte: enough text
    /// to judge, bounded for pages of many megabytes.
    package static let detectionSampleLength = 256 * 1024

    /// How many leading bytes are searched for a `<meta>` charset declaration.
    public static let metaScanLength = 4096

    // MARK: Content-Type

    /// The media type of a Content-Type value: lower case, without parameters
    /// (`"Text/HTML; charset=UTF-8"` → `"text/html"`). Nil when the value is empty.
    public static func mediaType(ofContentType contentType: String) -> String? {
        // Almost every server writes it plainly ("text/html; charset=utf-8"): that is read from the
        // bytes, without trimming and lower-casing copies (this runs for every response, twice).
        let bytes = contentType.utf8
        let plainEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
        if plainEnd > bytes.startIndex, bytes[..<plainEnd].allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2F || $0 == 0x2D || $0 == 0x2B || $0 == 0x2E }) {
            return String(contentType[..<plainEnd])
        }
        let end = contentType.firstIndex(of: ";") ?? contentType.endIndex
        let type = contentType[..<end].trimmingWhitespace().lowercased()
        return type.isEmpty ? nil : type
    }

    /// The `charset` parameter of a Content-Type value, without quotes, or nil.
    public static func charsetParameter(ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            guard let equals = parameter.firstIndex(of: "="),
                parameter[..<equals].trimmingWhitespace().lowercased() == "charset"
            else { continue }
            let value = parameter[parameter.index(after: equals)...].trimmingQuotes()
            return value.isEmpty ? nil : value
        }
        return nil
    }

    // MARK: Decoding

    /// Decodes `bytes`, deciding the charset as described on ``TextDecoding``.
    ///
    /// - Parameters:
    ///   - contentType: The Content-Type header's value, when there is one.
    ///   - forcedCharset: A charset label that overrides every other rule, when this system knows it.
    public static func decode(_ bytes: [UInt8], contentType: String? = nil, forcedCharset: String? = nil) -> Decoded {
        let bom = ByteOrderMark(prefixOf: bytes)
        if let forcedCharset, let charset = Charset(label: forcedCharset) {
            return decode(bytes, as: charset, skippingBOM: bom?.charset == charset ? bom : nil)
        }
        if let bom {
            return decode(bytes, as: bom.charset, skippingBOM: bom)
        }
        // A meta declaration of UTF-16 is a mistake by definition (the tag was readable as ASCII):
        // the HTML standard reads such pages as UTF-8.
        let meta = metaCharset(in: bytes).flatMap { Charset(label: $0) }.flatMap { $0.isUTF16 ? nil : $0 }
        if let label = contentType.flatMap(charsetParameter(ofContentType:)), let charset = Charset(label: label) {
            return decode(bytes, declared: charset, alternative: meta)
        }
        if let meta {
            return decode(bytes, declared: meta, alternative: nil)
        }
        return decode(bytes, declared: nil, alternative: nil)
    }

    /// Decodes bytes as their declared charset (nil: nothing declared, UTF-8) when they fit it, else
    /// as the charset detected among `alternative` (a second declaration) and the candidates.
    private static func decode(_ bytes: [UInt8], declared: Charset?, alternative: Charset?) -> Decoded {
        let charset = declared ?? .utf8
        if charset == .utf8 {
            if let valid = String(validating: bytes, as: UTF8.self) { return Decoded(text: valid, charset: charset.name) }
            if !looksLikeLegacyEncoding(bytes) { return decode(bytes, as: .utf8, skippingBOM: nil) }
        }
        let asDeclared = decode(bytes, as: charset, skippingBOM: nil)
        if charset != .utf8, charset.isUTF16 || !isMostlyReplacement(asDeclared.text) {
            return asDeclared
        }
        let candidates = ([alternative].compactMap { $0 } + detectionCandidates.compactMap { Charset(label: $0) })
            .filter { $0 != charset && !$0.isUTF16 }
        let mismatch = CharsetMismatch(declared: declared?.name, detected: nil)
        guard let detected = bestCandidate(candidates, for: bytes) else {
            return Decoded(text: asDeclared.text, charset: asDeclared.charset, mismatch: mismatch)
        }
        var decoded = decode(bytes, as: detected, skippingBOM: nil)
        decoded.mismatch = CharsetMismatch(declared: declared?.name, detected: decoded.charset)
        return decoded
    }

    /// The candidate whose decoding of a sample of `bytes` reads best as text, or nil when none does.
    private static func bestCandidate(_ candidates: [Charset], for bytes: [UInt8]) -> Charset? {
        let firstNonASCII = bytes.firstIndex { $0 >= 0x80 } ?? 0
        let start = max(0, firstNonASCII - 64)
        let sample = Array(bytes[start..<min(bytes.count, start + detectionSampleLength)])
        var best: (charset: Charset, score: Int)?
        for candidate in candidates {
            let plausibility = TextPlausibility(decode(sample, as: candidate, skippingBOM: nil).text)
            guard plausibility.isText, plausibility.score > best?.score ?? Int.min else { continue }
            best = (candidate, plausibility.score)
        }
        return best?.charset
    }

    /// Whether half or more of the non-ASCII characters of `text` are U+FFFD: the bytes are not in
    /// the charset they were decoded from.
    package static func isMostlyReplacement(_ text: String) -> Bool {
        var text = text
        // Counted on the UTF-8 bytes (a string's are always valid): each non-ASCII scalar has one
        // lead byte (0xC0 and up), and U+FFFD is EF BF BD.
        return text.withUTF8 { bytes in
            var nonASCII = 0
            var replacements = 0
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte >= 0xC0 {
                    nonASCII += 1
                    if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD { replacements += 1 }
                }
                index += 1
            }
            return replacements > 0 && replacements * 2 >= nonASCII
        }
    }

    /// Whether `bytes` hold more byte sequences that are invalid as UTF-8 than valid multi-byte ones:
    /// text in a single-byte charset, not UTF-8 with a stray byte or two.
    package static func looksLikeLegacyEncoding(_ bytes: [UInt8]) -> Bool {
        var valid = 0
        var invalid = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 && byte <= 0xDF ? 2 : 0
            var ok = length > 0 && index + length <= bytes.count
            if ok {
                for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { ok = false }
            }
            if ok {
                valid += 1
                index += length
            } else {
                invalid += 1
                index += 1
            }
        }
        return invalid > valid
    }

    /// The canonical, lower-case name of a charset label when this system can decode it
    /// (`"CP1256"` → `"windows-1256"`), or nil.
    public static func canonicalCharset(for label: String) -> String? {
        Charset(label: label)?.name
    }

    /// The charset declared by the first `<meta charset>` or `<meta http-equiv="content-type">` tag in
    /// the first ``metaScanLength`` bytes, as written; nil when there is none. Comments are skipped.
    public static func metaCharset(in bytes: [UInt8]) -> String? {
        let limit = min(bytes.count, metaScanLength)
        var index = 0
        while index < limit {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if bytes.hasPrefix("<!--", at: index) {
                index = bytes.firstIndex(of: "-->", from: index + 4, before: limit).map { $0 + 3 } ?? limit
                continue
            }
            guard bytes.hasPrefix("<meta", at: index, caseInsensitive: true), index + 5 < limit,
                ByteClass.isSpaceOrSlash(bytes[index + 5])
            else {
                index += 1
                continue
            }
            let (attributes, end) = MetaAttributes.parse(bytes, from: index + 5, limit: limit)
            if let charset = attributes.charset { return charset }
            index = end
        }
        return nil
    }

    private static func decode(_ bytes: [UInt8], as charset: Charset, skippingBOM bom: ByteOrderMark?) -> Decoded {
        let body = bytes.dropFirst(bom?.length ?? 0)
        switch charset.decoder {
        case .utf8:
            return Decoded(text: utf8Text(body), charset: charset.name)
        case .utf16(let bigEndian):
            return Decoded(text: decodeUTF16(body, bigEndian: bigEndian), charset: charset.name)
        case .iconv(let name):
            // Charset(label:) checked that iconv opens this name; should it fail now, UTF-8 is used
            // and reported.
            guard let text = IconvConverter.decode(Array(body), from: name) else {
                return Decoded(text: utf8Text(body), charset: Charset.utf8.name)
            }
            return Decoded(text: text, charset: charset.name)
        }
    }

    /// UTF-8 bytes as text, an invalid sequence as U+FFFD. Valid bytes (nearly every page) go
    /// through `String(validating:)`, which measured 1.5× as fast as `String(decoding:)`'s
    /// repairing pass on the benchmark pages; only invalid ones are decoded again with repairs.
    private static func utf8Text(_ bytes: ArraySlice<UInt8>) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// UTF-16 by the standard library: unpaired surrogates and an odd last byte become U+FFFD.
    private static func decodeUTF16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        var text = String(decoding: units, as: UTF16.self)
        if bytes.count % 2 == 1 { text.unicodeScalars.append("\u{FFFD}") }
        return text
    }

}

// MARK: - Charsets

/// A charset this system can decode: its reported name and how to decode it.
private struct Charset: Equatable {
    enum Decoder: Equatable {
        case utf8
        case utf16(bigEndian: Bool)
        case iconv(String)
    }

    /// The canonical lower-case name reported in `Document.charset`.
    var name: String
    var decoder: Decoder

    static let utf8 = Charset(name: "utf-8", decoder: .utf8)
    static let utf16LE = Charset(name: "utf-16le", decoder: .utf16(bigEndian: false))
    static let utf16BE = Charset(name: "utf-16be", decoder: .utf16(bigEndian: true))

    var isUTF16: Bool {
        if case .utf16 = decoder { return true }
        return false
    }

    /// Labels with a fixed meaning (a subset of the HTML standard's table). Any other label is passed
    /// to iconv as it is.
    private static let aliases: [String: Charset] = {
        let windows1252 = Charset(name: "windows-1252", decoder: .iconv("WINDOWS-1252"))
        let windows1256 = Charset(name: "windows-1256", decoder: .iconv("WINDOWS-1256"))
        return [
            "utf-8": .utf8, "utf8": .utf8, "unicode-1-1-utf-8": .utf8,
            "utf-16": .utf16LE, "utf-16le": .utf16LE, "unicode": .utf16LE, "ucs-2": .utf16LE,
            "utf-16be": .utf16BE, "unicodefffe": .utf16BE,
            "windows-1256": windows1256, "cp1256": windows1256, "x-cp1256": windows1256,
            "windows-1252": windows1252, "cp1252": windows1252, "x-cp1252": windows1252,
            "iso-8859-1": windows1252, "iso8859-1": windows1252, "iso_8859-1": windows1252,
            "latin1": windows1252, "l1": windows1252, "us-ascii": windows1252, "ascii": windows1252,
        ]
    }()
}

extension Charset {
    /// The charset for a label (case, surrounding spaces and quotes ignored), or nil when this
    /// system cannot decode it. Unlisted labels are tried with iconv; only names made of letters,
    /// digits and `-_.:` up to 40 characters are tried, so a page cannot pass iconv options such as
    /// `//TRANSLIT`.
    package init?(label: String) {
        let label = label.trimmingQuotes().lowercased()
        if let known = Self.aliases[label] {
            self = known
            return
        }
        guard !label.isEmpty, label.utf8.count <= 40,
            label.utf8.allSatisfy({ ByteClass.isAlphanumeric($0) || "-_.:".utf8.contains($0) }),
            IconvConverter.canOpen(label.uppercased())
        else { return nil }
        self = Charset(name: label, decoder: .iconv(label.uppercased()))
    }
}

/// A byte-order mark at the start of the bytes.
private struct ByteOrderMark {
    var charset: Charset
    var length: Int

    init?(prefixOf bytes: [UInt8]) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.init(charset: .utf8, length: 3)
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            self.init(charset: .utf16LE, length: 2)
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            self.init(charset: .utf16BE, length: 2)
        } else {
            return nil
        }
    }

    private init(charset: Charset, length: Int) {
        self.charset = charset
        self.length = length
    }
}

// MARK: - iconv

/// Conversion of a whole buffer to UTF-8 with glibc's iconv.
private enum IconvConverter {
    /// The `(iconv_t)-1` iconv_open returns on failure.
    private static var invalidDescriptor: iconv_t? { iconv_t(bitPattern: -1) }
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    static func canOpen(_ name: String) -> Bool {
        let descriptor = iconv_open("UTF-8", name)
        guard descriptor != invalidDescriptor else { return false }
        iconv_close(descriptor)
        return true
    }

    /// The bytes converted from `charset` to UTF-8, invalid input bytes replaced by U+FFFD; nil when
    /// iconv does not know the charset.
    static func decode(_ input: [UInt8], from charset: String) -> String? {
        let descriptor = iconv_open("UTF-8", charset)
        guard descriptor != invalidDescriptor else { return nil }
        defer { iconv_close(descriptor) }

        // Pages are mostly ASCII markup, one output byte per input byte; 1.5 times the input fits
        // most of them at once, and E2BIG doubles the buffer for text-heavy pages (an Arabic letter
        // takes two UTF-8 bytes, a CJK one three).
        var output = [UInt8](repeating: 0, count: input.count + input.count / 2 + 64)
        var written = 0
        input.withUnsafeBufferPointer { inputBuffer in
            guard let inputBase = inputBuffer.baseAddress else { return }
            // iconv's input pointer is not const; it never writes through it (no copy of the page).
            var inputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inputBase).assumingMemoryBound(to: CChar.self)
            var inputLeft = inputBuffer.count
            var flushing = false
            while inputLeft > 0 || flushing {
                var result = 0
                var failure: Int32 = 0
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    guard let outputBase = outputBuffer.baseAddress else { return }
                    var outputPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBase + written).assumingMemoryBound(to: CChar.self)
                    var outputLeft = outputBuffer.count - written
                    // With no input, iconv writes the sequence that returns a stateful charset to
                    // its initial state.
                    result =
                        flushing
                        ? iconv(descriptor, nil, nil, &outputPointer, &outputLeft)
                        : iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    failure = result == -1 ? errno : 0
                    written = outputBuffer.count - outputLeft
                }
                if result != -1 {
                    if flushing { break }
                    flushing = true
                    continue
                }
                switch failure {
                case E2BIG:
                    output.append(contentsOf: repeatElement(0, count: max(output.count, 64)))
                case EINVAL where !flushing:
                    // An incomplete sequence at the end of the input.
                    appendReplacement(to: &output, at: &written)
                    inputLeft = 0
                default:
                    // EILSEQ: a byte that is not valid in the charset. Replace it and go on with
                    // the next byte.
                    if flushing { return }
                    appendReplacement(to: &output, at: &written)
                    inputPointer = inputPointer.map { $0 + 1 }
                    inputLeft -= 1
                }
            }
        }
        // iconv wrote valid UTF-8: validating is faster than decoding with repairs (see utf8Text).
        return String(validating: output[..<written], as: UTF8.self) ?? String(decoding: output[..<written], as: UTF8.self)
    }

    private static func appendReplacement(to output: inout [UInt8], at written: inout Int) {
        if output.count - written < replacementCharacter.count {
            output.append(contentsOf: repeatElement(0, count: max(output.count, 64)))
        }
        output.replaceSubrange(written..<(written + replacementCharacter.count), with: replacementCharacter)
        written += replacementCharacter.count
    }
}

// MARK: - Meta tag scanning

/// The attributes of one `<meta …>` tag that matter for its charset.
private struct MetaAttributes {
    var charsetAttribute: String?
    var httpEquiv: String?
    var content: String?

    /// The declared charset: `charset=…`, or the charset in `content` when `http-equiv` is
    /// Content-Type.
    var charset: String? {
        if let charsetAttribute, !charsetAttribute.isEmpty { return charsetAttribute }
        guard httpEquiv?.lowercased() == "content-type", let content else { return nil }
        return TextDecoding.charsetParameter(ofContentType: content)
    }

    /// Parses attributes from `start` (just after `<meta`) to the closing `>`; returns them and the
    /// index after the tag.
    static func parse(_ bytes: [UInt8], from start: Int, limit: Int) -> (MetaAttributes, Int) {
        var attributes = MetaAttributes()
        var index = start
        while index < limit {
            while index < limit, ByteClass.isSpaceOrSlash(bytes[index]) { index += 1 }
            guard index < limit, bytes[index] != UInt8(ascii: ">") else { return (attributes, index + 1) }
            let nameStart = index
            while index < limit, !ByteClass.isSpaceOrSlash(bytes[index]), bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ">") {
                index += 1
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            while index < limit, ByteClass.isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < limit, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < limit, ByteClass.isSpace(bytes[index]) { index += 1 }
                let valueStart: Int
                if index < limit, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    valueStart = index + 1
                    index = valueStart
                    while index < limit, bytes[index] != quote { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                    index += 1
                } else {
                    valueStart = index
                    while index < limit, !ByteClass.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
                    value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
                }
            }
            switch name {
            case "charset" where attributes.charsetAttribute == nil: attributes.charsetAttribute = value.trimmingQuotes()
            case "http-equiv" where attributes.httpEquiv == nil: attributes.httpEquiv = value.trimmingQuotes()
            case "content" where attributes.content == nil: attributes.content = value
            default: break
            }
        }
        return (attributes, limit)
    }
}

/// ASCII byte classes for scanning markup.
private enum ByteClass {
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    static func isSpaceOrSlash(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "/")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

extension Array where Element == UInt8 {
    /// Whether the ASCII `prefix` occurs at `index`.
    fileprivate func hasPrefix(_ prefix: String, at index: Int, caseInsensitive: Bool = false) -> Bool {
        let prefix = Array(prefix.utf8)
        guard index + prefix.count <= count else { return false }
        for offset in 0..<prefix.count {
            var byte = self[index + offset]
            if caseInsensitive, (0x41...0x5A).contains(byte) { byte += 0x20 }
            if byte != prefix[offset] { return false }
        }
        return true
    }

    /// The index of the first occurrence of the ASCII `needle` in `from..<before`.
    fileprivate func firstIndex(of needle: String, from start: Int, before end: Int) -> Int? {
        let needleLength = needle.utf8.count
        var index = start
        while index + needleLength <= end {
            if hasPrefix(needle, at: index) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without surrounding white space and one pair of surrounding quotes.
    fileprivate func trimmingQuotes() -> String {
        var text = Substring(trimmingWhitespace())
        if let first = text.first, first == "\"" || first == "'" { text = text.dropFirst() }
        if let last = text.last, last == "\"" || last == "'" { text = text.dropLast() }
        return String(text)
    }
}

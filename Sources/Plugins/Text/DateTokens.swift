/// A short line of text as the date reader sees it: numbers, words and single marks, in order.
///
/// - Numbers are runs of ASCII, Persian (U+06F0…) or Arabic-Indic (U+0660…) digits.
/// - Words are runs of letters, folded so that every spelling of a month or label meets one key:
///   lower case, Latin diacritics dropped ("März" → "marz", "września" → "wrzesnia", "ß" → "ss"),
///   Arabic yeh/kaf/alef variants as their Persian forms, ZWNJ, tatweel and combining marks left out
///   («سه‌شنبه» → «سهشنبه»). A word is kept as a 64-bit hash of its folded letters, never a `String`:
///   the dictionaries it is looked up in are hashed by the same code (``key(_:)``).
/// - Anything else that is not white space is a one-scalar mark (`/`, `-`, `.`, `:`, `,`, `+`, …).
///
/// A letter right after a digit starts a new token, so "04October" is a number and a word.
package struct DateTokens {
    package enum Kind: UInt8 { case number, word, mark }

    package struct Token {
        package var kind: Kind
        /// A number's value (digits beyond the ninth are counted but not added).
        package var value = 0
        /// How many digits a number has.
        package var digits = 0
        /// A word's folded hash.
        package var key: UInt64 = 0
        /// A mark's scalar value.
        package var mark: UInt32 = 0
        /// White space comes right before the token.
        package var spaceBefore = false
        /// Offset of the token's first scalar in the text.
        package var start = 0
    }

    package private(set) var tokens: [Token] = []

    package init(_ text: String) {
        var tokens: [Token] = []
        tokens.reserveCapacity(24)
        // The token being built (kind .mark: none).
        var current = Token(kind: .mark)
        var building = false
        var space = false
        var offset = -1
        for scalar in text.unicodeScalars {
            offset += 1
            let value = scalar.value
            if let digit = DateTokens.digit(value) {
                if !building || current.kind != .number {
                    if building { tokens.append(current) }
                    current = Token(kind: .number, spaceBefore: space, start: offset)
                    building = true
                    space = false
                }
                if current.digits < 9 { current.value = current.value * 10 + digit }
                current.digits += 1
            } else if DateTokens.isSpace(value) {
                if building { tokens.append(current) }
                building = false
                space = true
            } else if DateTokens.isIgnorable(value) {
                // ZWNJ, tatweel, combining marks: inside a word they vanish; elsewhere they are nothing.
                continue
            } else if DateTokens.isLetter(scalar) {
                if !building || current.kind != .word {
                    if building { tokens.append(current) }
                    current = Token(kind: .word, key: DateTokens.offsetBasis, spaceBefore: space, start: offset)
                    building = true
                    space = false
                }
                var hash = current.key
                DateTokens.fold(value) { hash = DateTokens.mix(hash, $0) }
                current.key = hash
            } else {
                if building { tokens.append(current) }
                building = false
                tokens.append(Token(kind: .mark, mark: value, spaceBefore: space, start: offset))
                space = false
            }
        }
        if building { tokens.append(current) }
        self.tokens = tokens
    }

    // MARK: Keys

    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    package static func mix(_ hash: UInt64, _ value: UInt32) -> UInt64 {
        (hash ^ UInt64(value)) &* 0x0000_0100_0000_01B3
    }

    /// The key a word of `text` gets (the text is one word: folded and hashed as the tokenizer does).
    package static func key(_ text: String) -> UInt64 {
        var hash = offsetBasis
        for scalar in text.unicodeScalars where !isIgnorable(scalar.value) && !isSpace(scalar.value) {
            fold(scalar.value) { hash = mix(hash, $0) }
        }
        return hash
    }

    /// The keys of the words of `text`, split at white space: a label of several words.
    package static func keys(_ text: String) -> [UInt64] {
        text.split(separator: " ").map { key(String($0)) }
    }

    // MARK: Scalars

    @inline(__always)
    package static func digit(_ value: UInt32) -> Int? {
        switch value {
        case 0x30...0x39: return Int(value - 0x30)
        case 0x06F0...0x06F9: return Int(value - 0x06F0)
        case 0x0660...0x0669: return Int(value - 0x0660)
        case 0xFF10...0xFF19: return Int(value - 0xFF10)
        default: return nil
        }
    }

    @inline(__always)
    package static func isSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x2000...0x200B, 0x200E, 0x200F, 0x202F, 0x205F, 0x3000, 0x061C: return true
        default: return false
        }
    }

    /// Scalars that belong to no token: joiners, tatweel, Arabic and Latin combining marks.
    @inline(__always)
    package static func isIgnorable(_ value: UInt32) -> Bool {
        switch value {
        case 0x200C, 0x200D, 0x0640, 0x064B...0x065F, 0x0670, 0x0300...0x036F: return true
        default: return false
        }
    }

    @inline(__always)
    package static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }
        return scalar.properties.isAlphabetic
    }

    /// Base letters of U+0100…U+017F (Latin Extended-A), lower case.
    private static let latinExtendedA = Array(
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs".utf8)

    /// Calls `emit` with the folded form of one scalar (one scalar, or two for "ß").
    @inline(__always)
    package static func fold(_ value: UInt32, _ emit: (UInt32) -> Void) {
        switch value {
        case 0x41...0x5A: emit(value | 0x20)
        case 0x61...0x7A: emit(value)
        case 0xDF:
            emit(0x73)
            emit(0x73)
        case 0xC0...0xFF:
            switch value | 0x20 {
            case 0xE0...0xE5: emit(0x61)
            case 0xE6:
                emit(0x61)
                emit(0x65)
            case 0xE7: emit(0x63)
            case 0xE8...0xEB: emit(0x65)
            case 0xEC...0xEF: emit(0x69)
            case 0xF1: emit(0x6E)
            case 0xF2...0xF6, 0xF8: emit(0x6F)
            case 0xF9...0xFC: emit(0x75)
            case 0xFD, 0xFF: emit(0x79)
            default: emit(value)
            }
        case 0x0100...0x017F: emit(UInt32(latinExtendedA[Int(value - 0x0100)]))
        case 0x0410...0x042F: emit(value + 0x20)
        case 0x0400...0x040F: emit(value + 0x50)
        case 0x064A, 0x0649: emit(0x06CC)
        case 0x0643: emit(0x06A9)
        case 0x0622, 0x0623, 0x0625: emit(0x0627)
        default: emit(value)
        }
    }
}

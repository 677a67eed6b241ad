/// How much decoded text reads as text in some language: the measure ``TextDecoding`` uses to
/// pick the charset of bytes that are not in the one they declare.
///
/// Only non-ASCII characters count: ASCII (the markup, digits, English) decodes the same in every
/// candidate charset. Text is cut into words (runs of letters, combining marks and joiners such as
/// U+200C) and each non-ASCII letter is **plausible** when its word is: its letters are of one
/// script; a Latin word with two or more non-ASCII letters has an ASCII letter too (Latin-script
/// languages write most letters in ASCII: "café", "Änderungen"); and no upper-case letter follows a
/// lower-case one. Every other non-ASCII letter is **odd**, and so are U+FFFD, control characters,
/// unassigned and private-use code points, and symbols and fractions (`©`, `¤`, `³`, `¼`): what the
/// wrong code page makes of letters. Punctuation, spaces, currency signs and digits count for
/// neither side.
///
/// The same Persian bytes read as windows-1256 give Arabic-script words and no odd character; read
/// as windows-1252 they give Latin words without a single ASCII letter, with U+FFFD for the bytes
/// windows-1252 leaves undefined (0x81 پ, 0x8D چ, 0x90 گ, 0x9D ZWNJ); as windows-1251, Cyrillic
/// words whose case changes inside the word. French read as windows-1256 turns `É` into `ة` inside
/// a Latin word.
package struct TextPlausibility: Equatable {
    /// Non-ASCII letters in plausible words.
    package private(set) var letters = 0
    /// Non-ASCII letters in implausible words, and odd characters.
    package private(set) var odd = 0

    /// Scores `text`.
    package init(_ text: some StringProtocol) {
        var word = Word()
        for scalar in text.unicodeScalars {
            switch Self.kind(of: scalar) {
            case .letter:
                word.add(scalar)
            case .joiner:
                continue
            case .boundary:
                finish(&word)
            case .odd:
                finish(&word)
                odd += 1
            }
        }
        finish(&word)
    }

    /// Plausible letters minus odd characters: the higher, the better the charset fits.
    package var score: Int { letters - odd }

    /// Whether this reads as text: some non-ASCII letters, and at most one odd character for every
    /// five of them (a page in the right charset has next to none).
    package var isText: Bool { letters > 0 && odd * 5 <= letters }

    private mutating func finish(_ word: inout Word) {
        if word.nonASCIILetters > 0 {
            if word.isPlausible { letters += word.nonASCIILetters } else { odd += word.nonASCIILetters }
        }
        word = Word()
    }

    // MARK: Character kinds

    private enum Kind { case letter, joiner, boundary, odd }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        let value = scalar.value
        if value < 0x80 {
            if (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) { return .letter }
            // Controls other than tab, line feed, carriage return and form feed.
            return (value < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(value)) || value == 0x7F ? .odd : .boundary
        }
        if value == 0xFFFD { return .odd }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .nonspacingMark, .spacingMark, .enclosingMark, .format:
            // Combining marks, and U+200C/U+200D (ZWNJ, ZWJ), which sit inside Persian words.
            return .joiner
        case .control, .unassigned, .privateUse, .surrogate, .otherSymbol, .mathSymbol, .modifierSymbol, .otherNumber:
            return .odd
        default:
            return .boundary
        }
    }

    // MARK: Words

    /// The letters of one word, as far as plausibility needs them.
    private struct Word {
        var nonASCIILetters = 0
        var hasASCIILetter = false
        var nonASCIILatinLetters = 0
        /// The script of the first letter; nil before it.
        var script: Script?
        var mixesScripts = false
        var lastWasLowercase = false
        var changesCase = false

        mutating func add(_ scalar: Unicode.Scalar) {
            let letterScript = Script(scalar)
            if let script, script != letterScript { mixesScripts = true }
            script = script ?? letterScript
            if scalar.isASCII {
                hasASCIILetter = true
            } else {
                nonASCIILetters += 1
                if letterScript == .latin { nonASCIILatinLetters += 1 }
            }
            let properties = scalar.properties
            if properties.isUppercase && lastWasLowercase { changesCase = true }
            lastWasLowercase = properties.isLowercase
        }

        var isPlausible: Bool {
            !mixesScripts && !changesCase && (nonASCIILatinLetters < 2 || hasASCIILetter)
        }
    }

    /// The writing system of a letter, coarsely: the scripts of the single-byte code pages, and
    /// blocks of 128 code points for the rest.
    private enum Script: Equatable {
        case latin, greek, cyrillic, hebrew, arabic
        case block(UInt32)

        init(_ scalar: Unicode.Scalar) {
            switch scalar.value {
            case 0x0000...0x024F, 0x1E00...0x1EFF: self = .latin
            case 0x0370...0x03FF, 0x1F00...0x1FFF: self = .greek
            case 0x0400...0x052F: self = .cyrillic
            case 0x0590...0x05FF, 0xFB1D...0xFB4F: self = .hebrew
            case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: self = .arabic
            default: self = .block(scalar.value >> 7)
            }
        }
    }
}

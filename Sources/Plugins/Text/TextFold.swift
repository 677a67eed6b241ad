import ETLKit

/// The comparison form of a text, shared by the `filter`, `dedup` and `leftovers` transforms: Arabic
/// yeh and kaf folded into Persian ی and ک, ZWNJs removed, Persian and Arabic-Indic digits as ASCII,
/// lower case, and every run of white space one space, trimmed. Two spellings of one text that
/// differ only in these ways fold to the same string («می‌آید» and «میآید», «علي» and «علی»).
///
/// Works on unicode scalars throughout: U+200C is a grapheme extender, so character-level work
/// would miss it.
package enum TextFold {
    /// The folded text.
    package static func fold(_ text: String) -> String {
        let letters = ArticleDate.foldArabicLetters(ArticleDate.asciiDigits(text)).lowercased()
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in letters.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace {
                scalars.append(" ")
                pendingSpace = false
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// The folded text with only its letters and digits: spaces, punctuation and symbols gone.
    /// «پربیننده ها» and «پربیننده‌ها» have the same key, and so do «فیلم بیشتر »»» and «فیلم بیشتر».
    package static func key(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in fold(text).unicodeScalars where isLetterOrDigit(scalar) {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// The words of a folded text: runs of letters, digits and marks.
    package static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in fold(text).unicodeScalars {
            if isLetterOrDigit(scalar) || scalar.properties.generalCategory == .nonspacingMark {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// Whether `needle` occurs in `haystack`, scalar by scalar (both already folded).
    package static func contains(_ haystack: String, _ needle: String) -> Bool {
        let hay = Array(haystack.unicodeScalars)
        let pin = Array(needle.unicodeScalars)
        guard !pin.isEmpty else { return true }
        guard hay.count >= pin.count else { return false }
        for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
            if hay[start..<(start + pin.count)].elementsEqual(pin) { return true }
        }
        return false
    }

    /// Spaces, tabs, line breaks, NBSP and the other Unicode spaces.
    package static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    package static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }
}

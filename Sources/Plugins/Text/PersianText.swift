import Foundation

/// Pure text functions for Persian normalisation, each one rule of the `persian` transform.
///
/// Every function works on unicode scalars: U+200C (ZWNJ) is a grapheme extender that Swift folds
/// into the preceding `Character`, so character-level work would lose or mis-compare it.
public enum PersianText {
    /// ZERO WIDTH NON-JOINER.
    public static let zwnj: Unicode.Scalar = "\u{200C}"

    // MARK: - Letters

    /// Arabic ي ى → Persian ی, Arabic ك → Persian ک, Arabic presentation forms → their base letters.
    /// ة ۀ ؤ أ إ ء are kept: flattening them (as some toolkits do) changes words.
    public static func normalizeLetters(_ text: String) -> String {
        map(text) { scalar in
            switch scalar.value {
            case 0x064A, 0x0649: return ["\u{06CC}"]
            case 0x0643: return ["\u{06A9}"]
            case 0xFB50...0xFDFF, 0xFE70...0xFEFF:
                guard scalar.value != 0xFEFF else { return [scalar] }  // the byte-order mark is no letter
                var base = Array(String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars)
                // Isolated harakat (FE70…) decompose to a space + the mark: keep the mark only.
                if base.count > 1, base.first == " " { base.removeFirst() }
                return base.map { $0.value == 0x064A || $0.value == 0x0649 ? "\u{06CC}" : $0.value == 0x0643 ? "\u{06A9}" : $0 }
            default: return [scalar]
            }
        }
    }

    // MARK: - Digits

    /// The digits to write: as found, Persian (۰–۹) or ASCII (0–9). Arabic-Indic digits (٠–٩) count
    /// as digits of both other kinds.
    public enum DigitStyle: String, Sendable, CaseIterable {
        case keep, persian, ascii
    }

    /// Rewrites every digit in the given style.
    public static func convertDigits(_ text: String, to style: DigitStyle) -> String {
        guard style != .keep else { return text }
        return map(text) { scalar in
            let value = scalar.value
            let digit: UInt32? =
                switch value {
                case 0x30...0x39: value - 0x30
                case 0x0660...0x0669: value - 0x0660
                case 0x06F0...0x06F9: value - 0x06F0
                default: nil
                }
            guard let digit else { return [scalar] }
            let base: UInt32 = style == .persian ? 0x06F0 : 0x30
            return [Unicode.Scalar(base + digit) ?? scalar]
        }
    }

    // MARK: - Marks

    /// Removes tatweel (U+0640, the stretching stroke).
    public static func removeTatweel(_ text: String) -> String {
        filter(text) { $0.value != 0x0640 }
    }

    /// Removes the harakat U+064B–U+0652 (tanwin, fatha, damma, kasra, shadda, sukun).
    public static func removeDiacritics(_ text: String) -> String {
        filter(text) { !(0x064B...0x0652).contains($0.value) }
    }

    /// Removes the left-to-right and right-to-left marks (U+200E, U+200F).
    public static func removeDirectionMarks(_ text: String) -> String {
        filter(text) { $0.value != 0x200E && $0.value != 0x200F }
    }

    // MARK: - Spaces

    /// NBSP (and other horizontal spaces) → space; runs of spaces collapse to one; spaces at the
    /// start and end of each line go. Line breaks, and so the blank lines between paragraphs, stay.
    public static func normalizeSpaces(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        var lineStart = true
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                pendingSpace = false
                lineStart = true
                output.append(scalar)
            } else if isHorizontalSpace(scalar) {
                if !lineStart { pendingSpace = true }
            } else {
                if pendingSpace { output.append(" ") }
                pendingSpace = false
                lineStart = false
                output.append(scalar)
            }
        }
        return String(output)
    }

    // MARK: - Punctuation

    /// Marks that close: no space before them, one after them before a word.
    package static let closingMarks: Set<Unicode.Scalar> = [".", ":", "!", "?", "،", "؛", "؟", "»", ")", "]", "}"]
    /// Marks that open: no space after them.
    package static let openingMarks: Set<Unicode.Scalar> = ["«", "(", "[", "{"]
    /// Marks that also sit inside numbers (3.5, 12:30, 1,000): never spaced around digits.
    package static let numberMarks: Set<Unicode.Scalar> = [".", ":", ",", "،"]

    /// No space before . : ! ? ، ؛ ؟ » ) ] }, none after « ( [ {, one after the closing marks when a
    /// word follows. Decimals (3.5, ۳٫۵), times (12:30), Latin abbreviations and domains (U.S.,
    /// example.com) and URLs are left as they are: a `.` or `:` only gets a space after it between
    /// Persian letters, and a URL (http…, www.…) is skipped whole.
    public static func fixPunctuationSpacing(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let protected = urlMask(scalars)
        var output = [Unicode.Scalar]()
        output.reserveCapacity(scalars.count + 16)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if protected[index] {
                output.append(scalar)
                index += 1
                continue
            }
            if scalar == " " {
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                let afterNext = index + 2 < scalars.count ? scalars[index + 2] : nil
                // A space after an opening mark goes.
                if let previous = output.last, openingMarks.contains(previous) {
                    index += 1
                    continue
                }
                // A space before a closing mark goes, unless the mark starts something (".NET", ":)").
                if let next, closingMarks.contains(next), !(index + 1 < protected.count && protected[index + 1]),
                    let previous = output.last, previous != "\n",
                    !(numberMarks.contains(next) && afterNext.map(isWordScalar) == true)
                {
                    index += 1
                    continue
                }
                output.append(scalar)
                index += 1
                continue
            }
            output.append(scalar)
            if closingMarks.contains(scalar), index + 1 < scalars.count, !protected[index + 1] {
                let next = scalars[index + 1]
                let previous = index > 0 ? scalars[index - 1] : nil
                let needsSpace: Bool
                if numberMarks.contains(scalar) {
                    needsSpace = isPersianLetter(next) && previous.map(isPersianLetter) == true
                } else {
                    needsSpace = isWordScalar(next)
                }
                if needsSpace { output.append(" ") }
            }
            index += 1
        }
        return string(output)
    }

    /// Which scalars belong to a URL (from http://, https:// or www. to the next space).
    private static func urlMask(_ scalars: [Unicode.Scalar]) -> [Bool] {
        var mask = [Bool](repeating: false, count: scalars.count)
        let starts = ["http://", "https://", "www."].map { Array($0.unicodeScalars) }
        var index = 0
        while index < scalars.count {
            let atStart = index == 0 || !isWordScalar(scalars[index - 1])
            if atStart, starts.contains(where: { scalars[index...].starts(with: $0) }) {
                while index < scalars.count, !isHorizontalSpace(scalars[index]), scalars[index] != "\n" {
                    mask[index] = true
                    index += 1
                }
            } else {
                index += 1
            }
        }
        return mask
    }

    // MARK: - ZWNJ

    /// Plural and comparative endings that are written joined to their word with a ZWNJ.
    package static let joinedSuffixes: Set<String> = ["ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "تر", "ترین"]
    /// Endings that follow a word ending in ه with a ZWNJ (خانه‌ای, دیده‌اند).
    package static let afterHehSuffixes: Set<String> = ["ای", "ام", "ات", "اش", "اید", "ایم", "اند"]
    /// Short words that begin many lexicon compounds but are mostly separate words in running text
    /// («به روز» is "on the day" far more often than «به‌روز»): never joined to the next word.
    package static let separateWords: Set<String> = [
        "به", "در", "از", "که", "و", "با", "را", "برای", "تا", "این", "آن", "هم", "نه", "یک", "هر", "چه", "بر", "پس", "پیش",
    ]

    /// The numbers that make weekdays with «شنبه» (سه‌شنبه; یکشنبه, دوشنبه… are written glued anyway).
    package static let weekdayNumbers: Set<String> = ["یک", "دو", "سه", "چهار", "پنج"]

    /// ZWNJ clean-up: repeated ZWNJs collapse to one; a ZWNJ next to a space, a mark or a line edge
    /// (not between two letters) goes; spaced forms are joined: «می روم» → «می‌روم», «کتاب ها» →
    /// «کتاب‌ها», «خانه ای» → «خانه‌ای», and pairs the lexicon knows as one word, «سه شنبه» → «سه‌شنبه».
    /// «می»/«نمی» are joined only to a verb the lexicon knows («می ناب», wine, stays); without a
    /// lexicon neither they nor compounds are joined.
    public static func normalizeZWNJ(_ text: String, lexicon: ZWNJRestorer?) -> String {
        let scalars = Array(text.unicodeScalars)
        var cleaned = [Unicode.Scalar]()
        cleaned.reserveCapacity(scalars.count)
        for (index, scalar) in scalars.enumerated() {
            guard scalar == zwnj else {
                cleaned.append(scalar)
                continue
            }
            let previous = cleaned.last
            let next = scalars[(index + 1)...].first { $0 != zwnj }
            if previous == zwnj { continue }
            guard let previous, let next, isLetterOrMark(previous), isLetterOrMark(next) else { continue }
            cleaned.append(scalar)
        }
        return joinSpacedForms(cleaned, lexicon: lexicon)
    }

    /// Joins the spaced forms of ``normalizeZWNJ(_:lexicon:)``: looks at each single space between
    /// two letter runs.
    private static func joinSpacedForms(_ scalars: [Unicode.Scalar], lexicon: ZWNJRestorer?) -> String {
        var output = [Unicode.Scalar]()
        output.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == " ", let previous = output.last, isPersianLetter(previous) || previous == zwnj,
                index + 1 < scalars.count, isPersianLetter(scalars[index + 1])
            else {
                output.append(scalar)
                index += 1
                continue
            }
            var start = output.count
            while start > 0, isPersianLetter(output[start - 1]) || output[start - 1] == zwnj { start -= 1 }
            var end = index + 1
            while end < scalars.count, isPersianLetter(scalars[end]) || scalars[end] == zwnj { end += 1 }
            let left = string(output[start...])
            let right = string(scalars[(index + 1)..<end])
            let lastLeft = previous
            if let joiner = joiner(left: left, right: right, lastLeft: lastLeft, lexicon: lexicon) {
                output.append(contentsOf: joiner)
            } else {
                output.append(scalar)
            }
            index += 1
        }
        return string(output)
    }

    /// What replaces the space between two words: a ZWNJ, nothing (the left word ends in a letter
    /// that does not join, so a ZWNJ would be invisible), or nil to keep the space.
    private static func joiner(left: String, right: String, lastLeft: Unicode.Scalar, lexicon: ZWNJRestorer?) -> [Unicode.Scalar]? {
        let glue: [Unicode.Scalar] = joinsToTheLeft(lastLeft) ? [zwnj] : []
        if left == "می" || left == "نمی" {
            return lexicon?.isVerbRemainder(right) == true ? [zwnj] : nil
        }
        if joinedSuffixes.contains(right), left.unicodeScalars.count >= 2 { return glue }
        if afterHehSuffixes.contains(right), lastLeft == "ه", left.unicodeScalars.count >= 2 { return [zwnj] }
        // A lexicon compound is joined only when its second part is no word of its own («اصلاح طلبان»),
        // or is «شنبه» after a number (the weekdays): hazm also lists phrases such as «یکی‌از» and
        // «سال‌گذشته», whose parts are separate words in running text.
        if let lexicon, !separateWords.contains(left), joinsToTheLeft(lastLeft),
            !lexicon.isDictionaryWord(right) || (right == "شنبه" && weekdayNumbers.contains(left)),
            lexicon.knows(left + "\u{200C}" + right)
        {
            return [zwnj]
        }
        return nil
    }

    /// The text without any ZWNJ.
    public static func removingZWNJ(_ text: String) -> String {
        filter(text) { $0 != zwnj }
    }

    // MARK: - Scalar classes

    /// Letters of the Arabic script as Persian uses them (no digits, punctuation or harakat).
    public static func isPersianLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0620...0x063F, 0x0641...0x064A, 0x066E...0x066F, 0x0671...0x06D3, 0x06D5, 0x06EE...0x06EF, 0x06FA...0x06FC, 0x06FF:
            return true
        default:
            return false
        }
    }

    /// Letters that do not join the next letter: a ZWNJ after them changes nothing visible.
    package static let nonJoiningLetters: Set<Unicode.Scalar> = ["ا", "آ", "أ", "إ", "ٱ", "د", "ذ", "ر", "ز", "ژ", "و", "ؤ", "ة", "ۀ", "ء"]

    /// Whether a letter joins the one after it (so a ZWNJ after it is visible).
    public static func joinsToTheLeft(_ scalar: Unicode.Scalar) -> Bool {
        isPersianLetter(scalar) && !nonJoiningLetters.contains(scalar)
    }

    package static func isHorizontalSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{00A0}" || scalar == "\u{202F}" || scalar == "\u{2009}"
    }

    private static func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark, .spacingMark:
            return true
        default:
            return false
        }
    }

    /// Letters and digits of any script.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        isLetterOrMark(scalar) || scalar.properties.numericType != nil
    }

    // MARK: - Helpers

    package static func string<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private static func map(_ text: String, _ transform: (Unicode.Scalar) -> [Unicode.Scalar]) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { view.append(contentsOf: transform(scalar)) }
        return String(view)
    }

    private static func filter(_ text: String, _ keep: (Unicode.Scalar) -> Bool) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where keep(scalar) { view.append(scalar) }
        return String(view)
    }
}

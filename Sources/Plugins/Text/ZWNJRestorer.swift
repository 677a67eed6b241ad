import Foundation

/// Puts back the zero-width non-joiners (U+200C) that a scraper dropped: «میآید» → «می‌آید»,
/// «سرزمینهای» → «سرزمین‌های», «گفتوگو» → «گفت‌وگو».
///
/// It works from a lexicon (hazm's word and verb lists and shekar's compound and frequency lists, see
/// Resources/LEXICON-LICENSE.md) and a few affix rules, in this order for a token with no ZWNJ:
/// 1. a token that is a known word stays as it is («بهتر», «میز», «فیلتر»; a glued spelling that
///    shekar counts more often than its ZWNJ spelling is a known word: «اصولگرایان»);
/// 2. a whole form that the lexicon only knows with a ZWNJ gets it back («سهشنبه» → «سه‌شنبه»);
/// 3. (a preverb بر/باز/فرا/فرو/در/وا/ور +) می/نمی (also with Arabic ى) + a verb stem with a personal
///    ending, or + a past participle («میآید», «نمیتوانند», «برمیگرداند», «میتوانسته»);
/// 4. a known word with a plain (ZWNJ-less) ending such as ی or م stays («دفتری», «بیماری»);
/// 5. بی/به + a tagged word («بیشمار» → «بی‌شمار», «بهعنوان» → «به‌عنوان»);
/// 6. a participle + است («شدهاست» → «شده‌است»); a tagged word + a productive compound head
///    such as ساز/سازی/کننده/گیری («مسالهساز» → «مساله‌ساز»);
/// 7. a known stem + ها/های/… or a stem ending in ه + ای/ام/ات/اش/اید/ایم/اند («رسانهای» →
///    «رسانه‌ای», «سالهای» → «سال‌های»; between the two readings, a word in ه at least as frequent
///    as the word without it wins: «صحنهای» → «صحنه‌ای»), a stem in ه or ی + شان/تان, a stem in ی
///    + ام/اش/ات/اند, an adjective or a word in ی + تر/ترین/تری.
///
/// A ZWNJ is never inserted after a letter that does not join to the left (ا د ذ ر ز ژ و …): it
/// would be invisible there and the sites do not write it («کشورهای» stays). All text work is on
/// unicode scalars, since Swift folds U+200C into the preceding `Character`.
public struct ZWNJRestorer: Sendable {
    /// The restorer over the lexicon shipped with etl, loaded once on first use; nil if the resource
    /// cannot be read (the `persian` transform then fails its records with ``lexiconSearchPaths`` in
    /// the reason, rather than leave glued forms alone without a word).
    public static let shipped: ZWNJRestorer? = {
        guard let path = ResourceFiles.path(for: "persian-lexicon.txt", of: "ETLText"),
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else { return nil }
        return ZWNJRestorer(lexicon: text)
    }()

    /// Where the lexicon is looked for (see ``ResourceFiles``).
    public static var lexiconSearchPaths: [String] {
        ResourceFiles.searchPaths(for: "persian-lexicon.txt", of: "ETLText")
    }

    /// Every word of the lexicon, with its ZWNJs.
    package let words: Set<String>
    /// Glued spelling → the lexicon's spelling, for words the lexicon only knows with a ZWNJ.
    package let joinedForms: [String: String]
    /// Present and past verb stems.
    package let verbStems: Set<String>
    /// Past verb stems alone: a stem + ه is a past participle («دیده»), whose endings take a ZWNJ.
    package let pastStems: Set<String>
    /// Adjectives: the only stems that take تر/ترین/تری («پایینترین» → «پایین‌ترین», «فیلتر» stays).
    package let adjectives: Set<String>
    /// Words hazm tags with a part of speech: dictionary words rather than corpus spellings. They
    /// decide between two readings of a glued form («سالهای»: «سال» is one, so «سال‌های»).
    package let taggedWords: Set<String>
    /// Words in ه at least as frequent as the same word without the ه (shekar's frequency list): a
    /// glued «صحنهای» is «صحنه‌ای» («صحنه» 28.9M, «صحن» 3.8M), not «صحن‌های».
    package let hehIndefinite: Set<String>

    /// Reads the lexicon format written by Benchmarks/zwnj/build-lexicon.py: `#` comments, a
    /// `[verbs]` section of "past present" lines (`-` for none), then `[adjectives]` and `[words]`
    /// sections of one word a line.
    public init(lexicon: String) {
        var words = Set<String>()
        var stems = Set<String>()
        var pastStems = Set<String>()
        var adjectives = Set<String>()
        var tagged = Set<String>()
        var hehIndefinite = Set<String>()
        var section = ""
        for line in lexicon.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                section = String(line)
                continue
            }
            if section == "[verbs]" {
                let pair = line.split(separator: " ")
                for stem in pair where stem != "-" { stems.insert(String(stem)) }
                if let past = pair.first, past != "-" { pastStems.insert(String(past)) }
            } else if section == "[tagged]" {
                tagged.insert(String(line))
            } else if section == "[heh-indefinite]" {
                hehIndefinite.insert(String(line))
            } else if section == "[adjectives]" {
                adjectives.insert(String(line))
            } else if section == "[words]" {
                words.insert(String(line))
            }
        }
        var joined = [String: String]()
        for word in words where word.unicodeScalars.contains(PersianText.zwnj) {
            let glued = PersianText.removingZWNJ(word)
            // A glued spelling that is itself a word (آبدیده beside آب‌دیده) is left alone.
            if !words.contains(glued), joined[glued] == nil { joined[glued] = word }
        }
        self.words = words
        self.joinedForms = joined
        self.verbStems = stems
        self.pastStems = pastStems
        self.adjectives = adjectives
        self.taggedWords = tagged
        self.hehIndefinite = hehIndefinite
    }

    /// The text with every glued word's ZWNJs restored; other scalars are kept as they are.
    public func restore(in text: String) -> String {
        var output = String.UnicodeScalarView()
        var token = [Unicode.Scalar]()
        func flush() {
            guard !token.isEmpty else { return }
            let word = PersianText.string(token)
            output.append(contentsOf: (restoreWord(word) ?? word).unicodeScalars)
            token.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            // Harakat belong to the word («کِتابها» is one token, left alone below), not between words.
            if PersianText.isPersianLetter(scalar) || scalar == PersianText.zwnj || (0x064B...0x065F).contains(scalar.value) || scalar.value == 0x0670 {
                token.append(scalar)
            } else {
                flush()
                output.append(scalar)
            }
        }
        flush()
        return String(output)
    }

    /// The word with its ZWNJs restored, or nil when it should stay as it is (it already has a ZWNJ,
    /// is a known word, or no rule applies).
    public func restoreWord(_ word: String) -> String? {
        let scalars = Array(word.unicodeScalars)
        // A word that already has a ZWNJ, or harakat (which the lexicon does not spell), is left as it is.
        guard scalars.count >= 3, scalars.allSatisfy(PersianText.isPersianLetter) else { return nil }
        if words.contains(word) { return nil }
        if let joined = joinedForms[word] { return joined }
        // Before the plain-ending check: «میدانم» is a verb, not «میدان» + م.
        if let verb = restoreVerb(scalars) { return verb }
        // After the plain-ending check: «بیماری» is «بیمار» + ی, not بی + «ماری».
        if isKnownWithPlainEnding(scalars) { return nil }
        if let prefixed = restorePrefix(scalars) { return prefixed }
        return restoreSuffix(scalars)
    }

    /// Whether «می»/«نمی» + this is a verb: a verb stem, optionally with a personal ending.
    public func isVerbRemainder(_ word: String) -> Bool {
        isVerbRemainder(Array(word.unicodeScalars))
    }

    /// Whether the lexicon knows this spelling, ZWNJs included (for joining spaced compounds).
    public func knows(_ word: String) -> Bool { words.contains(word) }

    /// Whether hazm tags this word with a part of speech: a dictionary word that stands on its own.
    public func isDictionaryWord(_ word: String) -> Bool { taggedWords.contains(word) }

    // MARK: - Rules

    /// Endings that attach without a ZWNJ: a token that is a known word plus one of these is known.
    private static let plainEndings = ["ی", "م", "ت", "ش", "ان", "مان"].map { Array($0.unicodeScalars) }
    /// With Persian ی and with Arabic ى, which some sites still type («مىشد» → «مى‌شد»).
    private static let verbPrefixes = ["نمی", "می", "نمى", "مى"].map { Array($0.unicodeScalars) }
    /// Preverbs written glued before می/نمی: «برمیگرداند» → «برمی‌گرداند», «فرامیرسید» → «فرامی‌رسید».
    private static let preverbs = ["", "باز", "فرا", "فرو", "بر", "در", "وا", "ور"].map { Array($0.unicodeScalars) }
    /// Prefixes written with a ZWNJ before a dictionary word: «بیشمار» → «بی‌شمار», «بهعنوان» → «به‌عنوان».
    private static let wordPrefixes = ["بی", "به"].map { Array($0.unicodeScalars) }
    private static let copula = Array("است".unicodeScalars)
    /// Second parts of productive compounds, written after a ZWNJ: «مسالهساز» → «مساله‌ساز»,
    /// «تبلیغکنندگان» → «تبلیغ‌کنندگان», «سهمگیری» → «سهم‌گیری». Agentive گر/گری is not here: the
    /// sites mostly glue it («پژوهشگران»).
    private static let compoundHeads = [
        "کنندگان", "کنندگی", "کننده", "سازان", "سازی", "ساز", "گیران", "گیری", "گیر", "بندی", "برداری",
        "نشینان", "نشین", "گویی", "طلبانه", "طلبی", "طلب", "پردازی", "پرداز", "خواهی", "خواه", "انگیز", "آمیز",
    ].map { Array($0.unicodeScalars) }
    /// What may follow a compound head: «دنبالکنندگانش», «شهرکنشینانی».
    private static let compoundEndings = ["", "ی", "ش", "ان", "انی"].map { Array($0.unicodeScalars) }
    private static let personalEndings = ["ند", "ید", "یم", "م", "ی", "د", ""].map { Array($0.unicodeScalars) }
    private static let pluralSuffixes = ["هایشان", "هایتان", "هایمان", "هاست", "هایی", "هایم", "هایت", "هایش", "های", "ها"]
        .map { Array($0.unicodeScalars) }
    private static let comparativeSuffixes = ["ترین", "تری", "تر"].map { Array($0.unicodeScalars) }
    private static let afterHehSuffixes = ["اند", "اید", "ایم", "ای", "ام", "ات", "اش"].map { Array($0.unicodeScalars) }
    private static let comparative = Array("تر".unicodeScalars)
    /// Plural possessives written with a ZWNJ after any joining letter («ظرفیت‌شان», «خانه‌شان»).
    private static let possessiveSuffixes = ["شان", "تان"].map { Array($0.unicodeScalars) }
    /// Endings after a word in ی («اجتماعی‌ام», «فیلمسازی‌اش»).
    private static let afterYehSuffixes = ["اند", "ام", "ات", "اش"].map { Array($0.unicodeScalars) }

    private func isKnownWithPlainEnding(_ scalars: [Unicode.Scalar]) -> Bool {
        for ending in Self.plainEndings where scalars.count > ending.count + 1 && scalars.ends(with: ending) {
            if words.contains(PersianText.string(scalars.dropLast(ending.count))) { return true }
        }
        return false
    }

    private func restoreVerb(_ scalars: [Unicode.Scalar]) -> String? {
        for preverb in Self.preverbs where scalars.starts(with: preverb) {
            let afterPreverb = scalars.dropFirst(preverb.count)
            for prefix in Self.verbPrefixes where afterPreverb.starts(with: prefix) {
                let rest = Array(afterPreverb.dropFirst(prefix.count))
                guard isVerbRemainder(rest) || isParticiple(rest) else { continue }
                return PersianText.string(preverb + prefix + [PersianText.zwnj] + rest)
            }
        }
        return nil
    }

    /// A past stem + ه, the past participle: «میتوانسته» → «می‌توانسته».
    private func isParticiple(_ scalars: [Unicode.Scalar]) -> Bool {
        scalars.count >= 3 && scalars.last == "ه" && pastStems.contains(PersianText.string(scalars.dropLast()))
    }

    /// بی/به + a dictionary word, glued («بیشمار», «بهعنوان»): the prefix takes a ZWNJ. The rest must be
    /// a tagged word of three letters or more (optionally + ی), so «بهار», «بیمار», «بهمن» (words, or
    /// known glued) and names stay; a whole token the lexicon knows never reaches this rule.
    private func restorePrefix(_ scalars: [Unicode.Scalar]) -> String? {
        for prefix in Self.wordPrefixes where scalars.count >= prefix.count + 3 && scalars.starts(with: prefix) {
            let rest = Array(scalars.dropFirst(prefix.count))
            var base = rest
            if base.last == "ی", !taggedWords.contains(PersianText.string(base)) { base.removeLast() }
            guard taggedWords.contains(PersianText.string(base)) else { continue }
            return PersianText.string(prefix + [PersianText.zwnj] + rest)
        }
        return nil
    }

    private func isVerbRemainder(_ rest: [Unicode.Scalar]) -> Bool {
        for ending in Self.personalEndings where rest.count > ending.count && rest.ends(with: ending) {
            let stem = Array(rest.dropLast(ending.count))
            if verbStems.contains(PersianText.string(stem)) { return true }
            // A stem ending in a vowel takes a glide ی before the ending: آ + ی + د → آید.
            if !ending.isEmpty, stem.count >= 2, stem.last == "ی",
                let vowel = stem.dropLast().last, vowel == "ا" || vowel == "آ" || vowel == "و",
                verbStems.contains(PersianText.string(stem.dropLast()))
            {
                return true
            }
        }
        return false
    }

    private func restoreSuffix(_ scalars: [Unicode.Scalar]) -> String? {
        // «رسانهای» is «رسان» + های or «رسانه» + ای. The plural wins when its stem is a tagged
        // dictionary word («سالهای», «مرزهای»), or when neither stem is tagged but its stem is known
        // («تیمهای»: plurals are far more common in news); otherwise the ه reading («رسانه‌ای»).
        // A participle + است, the perfect: «شدهاست» → «شده‌است» (before the plurals: not «شد» + هاست).
        if scalars.count >= Self.copula.count + 3 && scalars.ends(with: Self.copula) {
            let stem = Array(scalars.dropLast(Self.copula.count))
            if stem.last == "ه", isParticiple(stem) || restoreVerb(stem) != nil {
                return (restoreVerb(stem) ?? PersianText.string(stem)) + "\u{200C}" + PersianText.string(Self.copula)
            }
        }
        if let compound = restoreCompound(scalars) { return compound }
        for suffix in Self.afterHehSuffixes where scalars.count >= suffix.count + 2 && scalars.ends(with: suffix) {
            let stem = Array(scalars.dropLast(suffix.count))
            guard stem.last == "ه", let known = knownStem(stem) else { continue }
            // A past participle + ending is the perfect tense: «دیدهایم» → «دیده‌ایم», not «دید» + هایم.
            let participle = pastStems.contains(PersianText.string(stem.dropLast()))
            let plural = pluralStem(scalars).map { PersianText.string($0) }
            if !participle, !hehIndefinite.contains(known), let plural, taggedWords.contains(plural) || (!taggedWords.contains(known) && words.contains(plural)) { break }
            return known + "\u{200C}" + PersianText.string(suffix)
        }
        for suffix in Self.pluralSuffixes where scalars.count >= suffix.count + 2 && scalars.ends(with: suffix) {
            let stem = Array(scalars.dropLast(suffix.count))
            guard let last = stem.last, let known = knownStem(stem) else { continue }
            // «کشورهای», «مرزهای»: a plural of a word ending in a non-joining letter is right as it is
            // (and must not be read as «مرزه» + «ای»).
            guard PersianText.joinsToTheLeft(last) else { return nil }
            return known + "\u{200C}" + PersianText.string(suffix)
        }
        for suffix in Self.possessiveSuffixes where scalars.count >= suffix.count + 2 && scalars.ends(with: suffix) {
            let stem = Array(scalars.dropLast(suffix.count))
            // Only after a silent ه or a ی («خانه‌شان», «شخصی‌شان»): after other letters most sites glue
            // them («کتابشان», «اهدافشان»).
            guard stem.last == "ه" || stem.last == "ی", let known = knownStem(stem) else { continue }
            return known + "\u{200C}" + PersianText.string(suffix)
        }
        for suffix in Self.afterYehSuffixes where scalars.count >= suffix.count + 3 && scalars.ends(with: suffix) {
            let stem = Array(scalars.dropLast(suffix.count))
            guard stem.last == "ی", let known = knownStem(stem) else { continue }
            return known + "\u{200C}" + PersianText.string(suffix)
        }
        for suffix in Self.comparativeSuffixes where scalars.count >= suffix.count + 2 && scalars.ends(with: suffix) {
            let stem = Array(scalars.dropLast(suffix.count))
            // An adjective, or a known word in ی («اصلیترین» → «اصلی‌ترین»): «یتر» is never written glued.
            let inYeh = stem.count >= 3 && stem.last == "ی" && suffix != Self.comparativeSuffixes[1]
                && (words.contains(PersianText.string(stem)) || words.contains(PersianText.string(stem.dropLast())))
            guard let last = stem.last, PersianText.joinsToTheLeft(last), inYeh || adjectives.contains(PersianText.string(stem)) else { continue }
            // «بیشترین», «کمتری»: when the glued comparative is a word, the whole family is written glued.
            if words.contains(PersianText.string(stem + Self.comparative)) { continue }
            return PersianText.string(stem) + "\u{200C}" + PersianText.string(suffix)
        }
        return nil
    }

    /// A tagged word ending in a joining letter + a productive compound head (+ a short ending), when the
    /// lexicon knows neither the whole nor (see ``restoreWord(_:)``) a glued spelling of it.
    private func restoreCompound(_ scalars: [Unicode.Scalar]) -> String? {
        for ending in Self.compoundEndings where scalars.count > ending.count + 4 && scalars.ends(with: ending) {
            let beforeEnding = Array(scalars.dropLast(ending.count))
            for head in Self.compoundHeads where beforeEnding.count >= head.count + 2 && beforeEnding.ends(with: head) {
                let first = Array(beforeEnding.dropLast(head.count))
                guard let last = first.last, PersianText.joinsToTheLeft(last), taggedWords.contains(PersianText.string(first)) else { continue }
                return PersianText.string(first) + "\u{200C}" + PersianText.string(scalars.dropFirst(first.count))
            }
        }
        return nil
    }

    /// The part before a plural suffix, if the token ends in one.
    private func pluralStem(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar]? {
        Self.pluralSuffixes.first { scalars.count >= $0.count + 2 && scalars.ends(with: $0) }.map { Array(scalars.dropLast($0.count)) }
    }

    /// The stem as it should be written when it is a known word, glued or (one level deep) restorable.
    private func knownStem(_ stem: [Unicode.Scalar]) -> String? {
        let word = PersianText.string(stem)
        if words.contains(word) { return word }
        if let joined = joinedForms[word] { return joined }
        return restoreVerb(stem)
    }
}

extension Array where Element == Unicode.Scalar {
    /// Whether the array ends with `suffix`, scalar by scalar.
    package func ends(with suffix: [Unicode.Scalar]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }
}

/// Tells a text's language from the text itself, fast enough to run on every page: one pass over
/// the first few kilobytes, no `String` per word and no dictionary of the whole language.
///
/// - Scripts decide on their own where one language owns one: Greek, Hebrew, Devanagari (hi),
///   Bengali, Thai, Georgian, Armenian, Tamil, Hangul (ko); Han with kana is Japanese, without
///   Chinese; Cyrillic is Ukrainian with і ї є ґ, Serbian with ђ ј љ њ ћ џ, Russian with ы э ё, else
///   Bulgarian when ъ is common.
/// - Latin and Arabic script are told apart by counting stop words, the short words that make up a
///   third of any running text ("the", "der", "les", "los", "się", «که», «في»): English, German,
///   French, Spanish, Polish, Italian, Dutch, Portuguese, Turkish; Persian, Arabic, Urdu. Persian
///   letters (پ چ ژ گ) and Arabic ones (ة أ إ) settle short Arabic-script texts.
///
/// ``resolve(declared:text:)`` trusts the page's markup unless the text clearly says otherwise: many
/// templates ship `lang="en"` whatever the site writes in, so a declared language loses only to a
/// decisive margin over enough words (see ``Guess/contradicts(_:)``).
public enum TextLanguage {
    /// What the text looks like.
    public struct Guess: Sendable, Equatable {
        /// ISO 639-1 code.
        public var language: String
        /// Words read in Latin or Arabic script (stop words are counted among these).
        public var words: Int
        /// Stop words of ``language`` (letters of the script when ``byScript``).
        public var hits: Int
        /// Stop words of the runner-up language.
        public var runnerUp: Int
        /// Letters of the text's main script, and that script's share of all letters.
        public var scriptLetters: Int
        public var scriptShare: Double
        /// Decided by the script rather than by words.
        public var byScript: Bool
        /// The main script ("latin", "arabic", "cyrillic", "han", …).
        public var script: String
        /// Stop-word hits by language, for the contradiction test.
        package var scores: [String: Int]

        /// Sure enough to name the language of a page that declares none.
        public var isConfident: Bool {
            if byScript { return scriptLetters >= 10 && scriptShare >= 0.5 }
            // A dense share of one language's stop words, or many of them far ahead of any other (a
            // text full of names and nouns: game guides, product lists).
            return hits >= 3 && hits >= 2 * runnerUp && (hits * 100 >= words * 12 || (hits >= 20 && hits >= 4 * runnerUp))
        }

        /// Whether the text clearly is not in `declared` (a primary language subtag): another script
        /// over at least 100 letters, or, in the same script, at least 40 words of which a fifth are
        /// stop words of one language, four times as many as of the declared language (for a
        /// language this detector has no stop words for: a quarter of all words).
        public func contradicts(_ declared: String) -> Bool {
            guard declared != language, scriptLetters >= 100, scriptShare >= 0.6 else { return false }
            let declaredScript = TextLanguage.script(of: declared)
            if declaredScript != script {
                // Serbian and a few others are written in two scripts; an unknown tag says nothing.
                guard declaredScript != nil, !TextLanguage.twoScripts.contains(declared) else { return false }
                return byScript || isConfident
            }
            guard !byScript, words >= 40, hits >= 12, hits * 100 >= words * 20, hits >= 2 * runnerUp else { return false }
            if let declaredHits = scores[declared] { return declaredHits * 4 <= hits }
            return hits * 100 >= words * 25
        }
    }

    /// The page's language: `declared` (a tag such as "de-DE", from the markup) unless the text
    /// contradicts it; the text's when nothing is declared and the text is clear; else nil.
    public static func resolve(declared: String?, text: String, byteLimit: Int = 4096) -> String? {
        let primary = declared.flatMap(primarySubtag)
        let guess = guess(text, byteLimit: byteLimit)
        guard let primary else { return guess.flatMap { $0.isConfident ? $0.language : nil } }
        if let guess, guess.contradicts(primary) { return guess.language }
        return primary
    }

    /// "de-DE" → "de", "pt_BR" → "pt"; nil for "und", "mul", "x-default" and non-tags.
    package static func primarySubtag(_ tag: String) -> String? {
        let primary = tag.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }),
            !["und", "mul", "zxx", "mis"].contains(primary)
        else { return nil }
        return primary
    }

    /// Languages written in more than one script.
    package static let twoScripts: Set<String> = ["sr", "bs", "az", "uz", "kk", "tk", "ku", "pa", "mn"]

    package static func script(of language: String) -> String? {
        switch language {
        case "fa", "ar", "ur", "ps", "ckb", "sd", "ug", "prs": return "arabic"
        case "ru", "uk", "bg", "be", "mk", "ky", "tg": return "cyrillic"
        case "zh", "ja": return "han"
        case "ko": return "hangul"
        case "el": return "greek"
        case "he", "iw", "yi": return "hebrew"
        case "hi", "mr", "ne": return "devanagari"
        case "bn": return "bengali"
        case "th": return "thai"
        case "ka": return "georgian"
        case "hy": return "armenian"
        case "ta": return "tamil"
        default: return primarySubtag(language) == nil ? nil : "latin"
        }
    }

    // MARK: Reading

    /// Languages scored by stop words, in the order of ``stopWords``' bits.
    package static let wordLanguages = ["en", "de", "fr", "es", "pl", "it", "nl", "pt", "tr", "fa", "ar", "ur"]
    private static let firstArabicScript = 9

    /// The language of the first `byteLimit` bytes of `text`, or nil when it has no letters.
    public static func guess(_ text: String, byteLimit: Int = 4096) -> Guess? {
        var counter = Counter()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            bytes += value < 0x80 ? 1 : value < 0x800 ? 2 : value < 0x10000 ? 3 : 4
            if bytes > byteLimit { break }
            counter.read(value)
        }
        counter.endWord()
        return counter.guess()
    }

    /// Counts as the text goes by.
    private struct Counter {
        var scores = [Int](repeating: 0, count: TextLanguage.wordLanguages.count)
        var words = [0, 0]  // Latin, Arabic script
        var hash = TextLanguage.offsetBasis
        var length = 0
        var wordScript = 0  // 0 none, 1 Latin, 2 Arabic

        var latin = 0, arabic = 0, cyrillic = 0, greek = 0, hebrew = 0, devanagari = 0, bengali = 0, thai = 0
        var hangul = 0, kana = 0, han = 0, georgian = 0, armenian = 0, tamil = 0
        var persianLetters = 0, arabicLetters = 0, urduLetters = 0
        var ukrainian = 0, russian = 0, serbian = 0, hardSign = 0

        mutating func read(_ value: UInt32) {
            switch value {
            case 0x41...0x5A, 0x61...0x7A:
                latin += 1
                letter(value | 0x20, script: 1)
            case 0xC0...0x24F where value != 0xD7 && value != 0xF7:
                latin += 1
                letter(TextLanguage.lowercase(value), script: 1)
            case 0x1E00...0x1EFF:
                latin += 1
                letter(value, script: 1)
            case 0x0300...0x036F, 0x064B...0x065F, 0x0670, 0x0640:
                break  // combining marks, Arabic vowel signs and tatweel: inside a word, nothing
            case 0x0621...0x064A, 0x0671...0x06D3, 0x06D5, 0x06EE, 0x06EF, 0x06FA...0x06FF, 0x0750...0x077F, 0xFB50...0xFDFF, 0xFE70...0xFEFF:
                arabic += 1
                switch value {
                case 0x067E, 0x0686, 0x0698, 0x06AF: persianLetters += 1
                case 0x0629, 0x0623, 0x0625: arabicLetters += 1
                case 0x06D2, 0x0679, 0x0688, 0x0691, 0x06BA, 0x06C1, 0x06BE: urduLetters += 1
                default: break
                }
                letter(TextLanguage.foldArabic(value), script: 2)
            case 0x0400...0x04FF:
                endWord()
                cyrillic += 1
                switch value {
                case 0x0456, 0x0457, 0x0454, 0x0491, 0x0406, 0x0407, 0x0404, 0x0490: ukrainian += 1
                case 0x044B, 0x044D, 0x0451, 0x042B, 0x042D, 0x0401: russian += 1
                case 0x0452, 0x0458, 0x0459, 0x045A, 0x045B, 0x045F, 0x0402, 0x0408, 0x0409, 0x040A, 0x040B, 0x040F: serbian += 1
                case 0x044A, 0x042A: hardSign += 1
                default: break
                }
            case 0x0370...0x03FF, 0x1F00...0x1FFF:
                endWord()
                greek += 1
            case 0x05D0...0x05EA:
                endWord()
                hebrew += 1
            case 0x0900...0x097F:
                endWord()
                devanagari += 1
            case 0x0980...0x09FF:
                endWord()
                bengali += 1
            case 0x0E00...0x0E7F:
                endWord()
                thai += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F:
                endWord()
                hangul += 1
            case 0x3040...0x30FF:
                endWord()
                kana += 1
            case 0x4E00...0x9FFF, 0x3400...0x4DBF:
                endWord()
                han += 1
            case 0x10A0...0x10FF:
                endWord()
                georgian += 1
            case 0x0530...0x058F:
                endWord()
                armenian += 1
            case 0x0B80...0x0BFF:
                endWord()
                tamil += 1
            default:
                endWord()  // spaces, digits, punctuation, ZWNJ (Persian compounds count as their parts)
            }
        }

        @inline(__always)
        mutating func letter(_ value: UInt32, script: Int) {
            if wordScript != script {
                endWord()
                wordScript = script
            }
            hash = TextLanguage.mix(hash, value)
            length += 1
        }

        mutating func endWord() {
            guard wordScript != 0 else { return }
            words[wordScript - 1] += 1
            if length <= 12, let mask = TextLanguage.stopWords[hash] {
                var bits = mask
                while bits != 0 {
                    let bit = bits.trailingZeroBitCount
                    scores[bit] += 1
                    bits &= bits - 1
                }
            }
            hash = TextLanguage.offsetBasis
            length = 0
            wordScript = 0
        }

        func guess() -> Guess? {
            let scripts: [(String, Int)] = [
                ("latin", latin), ("arabic", arabic), ("cyrillic", cyrillic), ("greek", greek),
                ("hebrew", hebrew), ("devanagari", devanagari), ("bengali", bengali), ("thai", thai),
                ("hangul", hangul), ("han", han + kana), ("georgian", georgian), ("armenian", armenian),
                ("tamil", tamil),
            ]
            let total = scripts.reduce(0) { $0 + $1.1 }
            guard total > 0, let (script, letters) = scripts.max(by: { $0.1 < $1.1 }) else { return nil }
            let share = Double(letters) / Double(total)
            var guess = Guess(
                language: "", words: 0, hits: letters, runnerUp: 0, scriptLetters: letters, scriptShare: share,
                byScript: true, script: script, scores: [:])
            switch script {
            case "latin", "arabic":
                let range = script == "latin" ? 0..<TextLanguage.firstArabicScript : TextLanguage.firstArabicScript..<TextLanguage.wordLanguages.count
                var ranked = range.map { (TextLanguage.wordLanguages[$0], scores[$0]) }
                ranked.sort { $0.1 > $1.1 }
                guess.byScript = false
                guess.words = words[script == "latin" ? 0 : 1]
                guess.language = ranked[0].0
                guess.hits = ranked[0].1
                guess.runnerUp = ranked.count > 1 ? ranked[1].1 : 0
                guess.scores = Dictionary(uniqueKeysWithValues: ranked)
                if script == "arabic" && (guess.hits < 3 || guess.hits < 2 * guess.runnerUp) {
                    // Too few words to count: letters only Persian (پ چ ژ گ), Urdu or Arabic (ة أ إ) write.
                    guess.byScript = true
                    guess.hits = letters
                    guess.language =
                        urduLetters > persianLetters && urduLetters >= 3
                        ? "ur"
                        : persianLetters > 0 && persianLetters >= arabicLetters ? "fa" : "ar"
                }
            case "cyrillic":
                guess.language =
                    ukrainian > russian && ukrainian > serbian
                    ? "uk"
                    : serbian > russian
                        ? "sr"
                        : russian == 0 && hardSign * 200 >= cyrillic ? "bg" : "ru"
            case "han": guess.language = kana * 20 >= han + kana ? "ja" : "zh"
            case "hangul": guess.language = "ko"
            case "greek": guess.language = "el"
            case "hebrew": guess.language = "he"
            case "devanagari": guess.language = "hi"
            case "bengali": guess.language = "bn"
            case "thai": guess.language = "th"
            case "georgian": guess.language = "ka"
            case "armenian": guess.language = "hy"
            default: guess.language = "ta"
            }
            return guess
        }
    }

    // MARK: Stop words

    /// Stop words of each language in ``wordLanguages``: frequent, short, and few enough shared
    /// between languages that their counts separate them ("de" counts for five languages, "the"
    /// for one). Spelled with their accents; Arabic-script words with Persian yeh and keheh (as the
    /// reader folds them).
    private static let lists: [String] = [
        // en
        "the of and to is that for it was on with as are be this by at from have has not but they which were or he his its their been will would said who after about more than also had",
        // de
        "der die und das den des ist nicht mit sich auf ein eine einer einem einen dem zu von im für auch es wird wurde werden sind bei nach aus wie oder aber noch nur hat haben dass über vor zum zur sie er ich wir",
        // fr
        "le la les des est et un une du dans pour qui que pas sur au aux avec par il elle sont ont ce cette plus mais ou été leur ses son se ne nous vous lui était de en",
        // es
        "el la los las del y que en un una es por con para se al lo su sus como más pero fue ha han este esta entre sobre también sin muy ya desde cuando de",
        // pl
        "w z na się nie do to że jest o od po jak dla ale przez oraz za co tak jego już był była są może tym które który która także przy tego jej ze ich czy pod nad bez tej tych ma mają będzie został została było być lub gdy też jako tylko jednak ten ta te",
        // it
        "il lo gli le di del della dei delle che è un una per con non sono si al alla nel nella anche più ma come da ha questo questa essere stato dopo",
        // nl
        "de het een en van is dat die niet op te zijn met voor er aan ook als bij om maar dan nog wordt werd door naar heeft hij zij ze worden uit over",
        // pt
        "o os as do da dos das e que em no na nos nas um uma para com por não se mais foi ao é são também pelo pela seu sua ele ela como mas de",
        // tr
        "ve bir bu için ile olarak çok daha gibi olan ama sonra kadar değil göre ise ancak şu her",
        // fa
        "و در به از که این را با است برای آن می یک خود تا کرد شد بر هم نیز شده های ها بود کند اما باید وی پس اگر دارد کرده گفت",
        // ar
        "في من إلى أن التي الذي عن مع هذا هذه كان لا قد بين ذلك كما حيث إن قال وقال كانت عام الى ان فى على لكن منذ حول لن يكون بأن وفي ومن فيها فيه منها لم ثم تم هو هي عند خلال وهو وهي",
        // ur
        "ہے کے کی میں اور سے کو نے یہ ہیں کا تھا",
    ]

    package static let stopWords: [UInt64: UInt16] = {
        var table: [UInt64: UInt16] = [:]
        for (index, list) in lists.enumerated() {
            for word in list.split(separator: " ") {
                table[key(String(word)), default: 0] |= UInt16(1) << UInt16(index)
            }
        }
        return table
    }()

    /// A word's key, folded as the reader folds text.
    package static func key(_ word: String) -> UInt64 {
        var hash = offsetBasis
        for scalar in word.unicodeScalars {
            let value = scalar.value
            let isArabic = (0x0600...0x06FF).contains(value)
            hash = mix(hash, isArabic ? foldArabic(value) : value < 0x80 ? (value | 0x20) : lowercase(value))
        }
        return hash
    }

    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    package static func mix(_ hash: UInt64, _ value: UInt32) -> UInt64 {
        (hash ^ UInt64(value)) &* 0x0000_0100_0000_01B3
    }

    /// Arabic yeh and alef maksura as Persian yeh, Arabic kaf as keheh, hamza-alefs as alef (madda
    /// alef stays: Persian «آن» is not Arabic «أن»).
    @inline(__always)
    package static func foldArabic(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x064A, 0x0649: return 0x06CC
        case 0x0643: return 0x06A9
        case 0x0623, 0x0625: return 0x0627
        default: return value
        }
    }

    /// Lower case of Latin-1 and Latin Extended-A letters.
    @inline(__always)
    package static func lowercase(_ value: UInt32) -> UInt32 {
        switch value {
        case 0xC0...0xDE where value != 0xD7: return value + 0x20
        case 0x130: return 0x69
        case 0x100...0x137, 0x14A...0x177: return value | 1
        case 0x139...0x148, 0x179...0x17E: return value & 1 == 1 ? value + 1 : value
        case 0x178: return 0xFF
        default: return value
        }
    }
}

extension TextLanguage {
    /// The texts joined with spaces until about `bytes` bytes: what ``guess(_:byteLimit:)`` reads,
    /// without joining a whole article first.
    public static func sample(_ texts: [String], bytes: Int = 4096) -> String {
        var sample = ""
        for text in texts where !text.isEmpty {
            if !sample.isEmpty { sample += " " }
            sample += text
            if sample.utf8.count >= bytes { break }
        }
        return sample
    }
}

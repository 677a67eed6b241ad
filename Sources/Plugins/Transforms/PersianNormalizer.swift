import ETLKit
import ETLText

/// The `persian` transform: normalises Persian text fields the way the established toolkits do —
/// letters, digits, marks, spaces, punctuation spacing and ZWNJs — and restores ZWNJs lost by
/// scrapers, with every rule switchable.
public struct PersianNormalizer: Transform {
    public static let descriptor = PluginDescriptor(
        id: "persian",
        kind: .transform,
        summary: "Normalises Persian text fields: letters, digits, marks, spaces, punctuation spacing and ZWNJs, and restores lost ZWNJs.",
        discussion: """
            Runs on the listed string fields only (dates, ids and URLs are other fields and are never touched); \
            blank lines between paragraphs are kept. Order: letters, direction marks, tatweel, diacritics, digits, \
            spaces, ZWNJ clean-up and joining, ZWNJ restoration, punctuation spacing. ZWNJ restoration uses a \
            lexicon built from hazm's word and verb lists (MIT) and affix rules: «میآید» → «می‌آید», \
            «سرزمینهای» → «سرزمین‌های»; a word the lexicon knows glued («بهتر») stays.
            """,
        options: [
            Option.fields.spec, Option.letters.spec, Option.digits.spec, Option.tatweel.spec, Option.diacritics.spec,
            Option.directionMarks.spec, Option.spaces.spec, Option.punctuationSpacing.spec, Option.zwnj.spec, Option.restoreZwnj.spec,
        ]
    )

    /// The fields to normalise.
    public let fields: [String]
    public let letters: Bool
    public let digits: PersianText.DigitStyle
    public let tatweel: Bool
    public let diacritics: Bool
    public let directionMarks: Bool
    public let spaces: Bool
    public let punctuationSpacing: Bool
    public let zwnj: Bool
    public let restoreZwnj: Bool

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let fields: OptionKey<[String]> = .strings(
            "fields", default: ArticleField.prose, "The fields to normalise; missing fields and fields that are not strings are skipped.")
        static let letters: OptionKey<Bool> = .boolean(
            "letters", default: true, "Arabic ي ى → ی, ك → ک and presentation forms → base letters; ة ۀ ؤ أ إ ء are kept.")
        static let digits: OptionKey<PersianText.DigitStyle> = .choice(
            "digits", default: .keep, "Write digits as found (keep), as Persian ۰–۹ (persian) or as ASCII 0–9 (ascii).")
        static let tatweel: OptionKey<Bool> = .boolean("tatweel", default: true, "Remove tatweel (U+0640).")
        static let diacritics: OptionKey<Bool> = .boolean("diacritics", default: false, "Remove the harakat U+064B–U+0652.")
        static let directionMarks: OptionKey<Bool> = .boolean(
            "directionMarks", default: true, "Remove left-to-right and right-to-left marks (U+200E, U+200F).")
        static let spaces: OptionKey<Bool> = .boolean(
            "spaces", default: true, "Turn NBSP into a space, collapse runs of spaces and trim lines; line breaks stay.")
        static let punctuationSpacing: OptionKey<Bool> = .boolean(
            "punctuationSpacing", default: true,
            "No space before . : ! ، ؛ ؟ » ) ] }, none after « ( [ {, one after the closing marks; decimals, times and URLs untouched.")
        static let zwnj: OptionKey<Bool> = .boolean(
            "zwnj", default: true,
            "Collapse repeated ZWNJs, drop them at word edges, and join spaced forms («می روم» → «می‌روم», «کتاب ها» → «کتاب‌ها»).")
        static let restoreZwnj: OptionKey<Bool> = .boolean(
            "restoreZwnj", default: true,
            "Restore lost ZWNJs in glued words from a lexicon and affix rules («میآید» → «می‌آید», «گفتوگو» → «گفت‌وگو»).")
    }

    public init(options: PluginOptions) throws {
        fields = options[Option.fields]
        digits = options[Option.digits]
        letters = options[Option.letters]
        tatweel = options[Option.tatweel]
        diacritics = options[Option.diacritics]
        directionMarks = options[Option.directionMarks]
        spaces = options[Option.spaces]
        punctuationSpacing = options[Option.punctuationSpacing]
        zwnj = options[Option.zwnj]
        restoreZwnj = options[Option.restoreZwnj]
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        if (zwnj || restoreZwnj) && ZWNJRestorer.shipped == nil {
            throw PersianNormalizerError.lexiconMissing(searched: ZWNJRestorer.lexiconSearchPaths)
        }
        var record = record
        for field in fields {
            guard let text = record.fields[field]?.stringValue else { continue }
            record.fields[field] = .string(normalize(text))
        }
        // `body` is its blocks' texts joined: they are normalised with it, so the two still agree.
        if fields.contains(ArticleField.body), let blocks = record.fields["blocks"]?.arrayValue {
            record.fields["blocks"] = .array(blocks.map(normalizeBlock))
        }
        return record
    }

    /// A typed block (`{"type", "text", "links", "rows"}`): its text, its links' texts and its cells.
    func normalizeBlock(_ block: JSONValue) -> JSONValue {
        guard var object = block.objectValue else { return block }
        if let text = object["text"]?.stringValue { object["text"] = .string(normalize(text)) }
        if let links = object["links"]?.arrayValue {
            object["links"] = .array(
                links.map { link in
                    guard var link = link.objectValue, let text = link["text"]?.stringValue else { return link }
                    link["text"] = .string(normalize(text))
                    return .object(link)
                })
        }
        if let rows = object["rows"]?.arrayValue {
            object["rows"] = .array(
                rows.map { row in
                    .array((row.arrayValue ?? []).map { cell in cell.stringValue.map { .string(normalize($0)) } ?? cell })
                })
        }
        return .object(object)
    }

    /// One text through every enabled rule, in the order given in the descriptor.
    public func normalize(_ text: String) -> String {
        var text = text
        if letters { text = PersianText.normalizeLetters(text) }
        if directionMarks { text = PersianText.removeDirectionMarks(text) }
        if tatweel { text = PersianText.removeTatweel(text) }
        if diacritics { text = PersianText.removeDiacritics(text) }
        text = PersianText.convertDigits(text, to: digits)
        if spaces { text = PersianText.normalizeSpaces(text) }
        // The lexicon is loaded only when a rule that needs it is on.
        let lexicon = zwnj || restoreZwnj ? ZWNJRestorer.shipped : nil
        if zwnj { text = PersianText.normalizeZWNJ(text, lexicon: lexicon) }
        if restoreZwnj, let lexicon { text = lexicon.restore(in: text) }
        if punctuationSpacing { text = PersianText.fixPunctuationSpacing(text) }
        return text
    }
}

import ETLHTML
import ETLKit
import ETLText
import Foundation

/// The `leftovers` transform: cleans what old scrapers (and some page templates) leave in article
/// text — end markers, labelled meta lines and bullets, repeated titles, comment-form and sidebar
/// headings, runs of unrelated headlines at the end, `**bold**` markers, blank lines — and reads the
/// facts the meta lines carry (`published`, `newsId`, `category`) before dropping them.
///
/// It works on `title`, `pretitle`, `lead` and `body` (paragraphs separated by blank lines, as the
/// `corpus` source and the `article` extractor write them), line by line, on unicode scalars. When the
/// title or lead turns out to be only meta lines (a page header saved above the title), the next block
/// takes its place; a title ending in «:» followed by a short line is a pre-title
/// («امیرعبداللهیان در دیدار خلف اف:» above «زبان صلح و امنیت …»). Fields a record already has
/// (`published`, `newsId`, `category`, `pretitle`, `language`) are never replaced.
public struct LeftoverCleaner: Transform {
    public static let descriptor = PluginDescriptor(
        id: "leftovers",
        kind: .transform,
        summary:
            "Removes scraper leftovers from title, lead and body (end markers, meta lines, repeated titles, sidebar headings, headline runs, **bold**) and reads published, newsId and category from the meta lines.",
        discussion: """
            Meta lines, bullets included: date lines («سه‌شنبه/ ۳۰ خرداد ۱۴۰۲ / ۱۲:۲۱», «تاریخ انتشار: …»), \
            news codes («کد خبر: …»), categories («دسته‌بندی: …») and reporter codes («خبرنگار : 71443»). \
            An end marker («انتهای پیام», «پایان پیام/ 161») or a heading that closes an article («ارسال به \
            دوستان», «دیدگاه شما», «نظر شما», «پربازدیدترین اخبار», «آخرین اخبار», …) after body text drops \
            itself and everything after it; other headings («فیلم بیشتر »»», «بیشتر بخوانید: …») drop their line. \
            A repeated title is a line equal to the title or differing in a few words (captions), or the title \
            glued to the first words of a paragraph («…شودبه گزارش»). Each rule can be switched off.
            """,
        options: [
            Option.endMarkers.spec, Option.metaLines.spec, Option.repeatedTitles.spec, Option.headings.spec, Option.headlineRuns.spec,
            Option.bold.spec, Option.pretitle.spec, Option.language.spec, Option.timeZone.spec,
        ]
    )

    public let endMarkers: Bool
    public let metaLines: Bool
    public let repeatedTitles: Bool
    public let headings: Bool
    public let headlineRun: Int
    public let bold: Bool
    public let pretitles: Bool
    public let setsLanguage: Bool
    let dates: ArticleDate

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let endMarkers: OptionKey<Bool> = .boolean("endMarkers", default: true, "Drop end markers («انتهای پیام») and everything after them.")
        static let metaLines: OptionKey<Bool> = .boolean(
            "metaLines", default: true, "Read published, newsId and category from labelled meta lines and date lines, then drop those lines.")
        static let repeatedTitles: OptionKey<Bool> = .boolean(
            "repeatedTitles", default: true, "Drop repeats of the title (and pre-title, and the lead in the body); split a title glued to a paragraph.")
        static let headings: OptionKey<Bool> = .boolean(
            "headings", default: true, "Drop comment-form, sharing and sidebar headings; those that close an article drop what follows them too.")
        static let headlineRuns: OptionKey<Int> = .integer(
            "headlineRuns", minimum: 0, default: 3,
            "Drop a run of at least this many short lines without a full stop at the end of the body (unrelated headlines); 0 switches it off.")
        static let bold: OptionKey<Bool> = .boolean("bold", default: true, "Remove `**` bold markers.")
        static let pretitle: OptionKey<Bool> = .boolean("pretitle", default: true, "Tell a pre-title ending in «:» from the title below it.")
        static let language: OptionKey<Bool> = .boolean("language", default: true, "Set `language` (\"fa\" for Persian text) when the record has none.")
        static let timeZone: OptionKey<String> = .string("timeZone", default: "Asia/Tehran", "IANA time zone of date lines written without an offset.")
    }

    public init(options: PluginOptions) throws {
        endMarkers = options[Option.endMarkers]
        metaLines = options[Option.metaLines]
        repeatedTitles = options[Option.repeatedTitles]
        headings = options[Option.headings]
        headlineRun = options[Option.headlineRuns]
        bold = options[Option.bold]
        pretitles = options[Option.pretitle]
        setsLanguage = options[Option.language]
        let zoneName = options[Option.timeZone]
        guard let zone = TimeZone(identifier: zoneName) else {
            throw OptionError(option: Option.timeZone.name, "is \"\(zoneName)\", not a time zone of the tz database (such as \"Asia/Tehran\")")
        }
        dates = ArticleDate(timeZone: zone)
    }

    // MARK: - Line kinds

    /// What a line is.
    enum LineKind: Equatable {
        case text
        /// A meta line: a fact to read, then drop.
        case meta(Fact)
        /// An end marker: the article ends here.
        case endMarker
        /// A heading that closes the article (comment form, sidebar, sharing).
        case closingHeading
        /// A heading or teaser that is only dropped.
        case heading
    }

    /// What a meta line says.
    enum Fact: Equatable {
        case newsId(String)
        case category(String)
        /// A date line, with whether it is labelled as an update (never the publication date).
        case date(isUpdate: Bool)
        case reporter
    }

    /// Headings that close an article: what follows them is comment forms, sidebars and related news.
    static let closingHeadings = [
        "دیدگاه شما", "دیدگاه‌ها", "نظر شما", "نظرات", "نظرات کاربران", "ارسال نظر", "ارسال دیدگاه",
        "پربازدیدترین اخبار", "پربازدیدترین‌ها", "پربازدیدترین", "پربیننده‌ها", "پربیننده‌ترین", "پربحث‌ترین",
        "آخرین اخبار", "ارسال به دوستان", "اخبار مرتبط", "مطالب مرتبط", "خبرهای مرتبط", "برچسب‌ها", "نسخه چاپی",
    ].map(TextFold.key)

    /// Headings and teasers that are dropped alone.
    static let lineHeadings = ["فیلم بیشتر", "عکس بیشتر", "ویدیو بیشتر", "بیشتر بخوانید", "اشتراک گذاری"].map(TextFold.key)

    /// Teasers that introduce a link on the same line («بیشتر بخوانید: …»).
    static let teaserPrefixes = ["بیشتر بخوانید", "بخوانید:", "بیشتر:"].map(TextFold.fold)

    /// Labels of category lines («دسته‌بندی: سیاست خارجی»), folded.
    static let categoryLabels = ["دسته‌بندی", "دسته بندی", "سرویس", "گروه", "بخش", "موضوع", "category", "section"].map(TextFold.fold)

    /// Labels of reporter and author-code lines («خبرنگار : 71443»), folded.
    static let reporterLabels = ["کد خبرنگار", "شناسه خبرنگار", "خبرنگار", "گزارشگر", "عکاس", "تنظیم", "reporter"].map(TextFold.fold)

    /// News-id labels, and «کد» alone for a line that is only a code («کد ۸۷۰۲۳۹»).
    static let newsIdLabels = (VisibleFacts.newsIdLabels + ["کد"]).map(TextFold.fold).sorted { $0.count > $1.count }

    /// Words a date line may hold besides its date: labels, weekdays, months (Jalali and Gregorian).
    static let dateWords: [String] = {
        let words =
            VisibleFacts.dateLabels + ArticleDate.jalaliMonths + [
                "به روز شده در", "بروز شده", "به روز رسانی", "بروزرسانی", "آخرین بروزرسانی", "به‌روزرسانی", "ساعت", "امروز",
                "شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه",
                "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
                "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "am", "pm", "ق.ظ", "ب.ظ",
            ]
        return words.map(TextFold.key).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
    }()

    /// Labels that mark a date line as an update time rather than the publication time.
    static let updateLabels = ["به روز شده", "بروز شده", "بروزرسانی", "به روزرسانی", "به روز رسانی", "updated", "modified"].map(TextFold.key)

    /// What the line is. `line` is trimmed, with `**` removed when that rule is on.
    func kind(of line: String) -> LineKind {
        let folded = TextFold.fold(Self.withoutBullet(line))
        let key = TextFold.key(folded)
        if endMarkers, EndMarker.matches(line) { return .endMarker }
        if headings {
            if Self.closingHeadings.contains(key) { return .closingHeading }
            if Self.lineHeadings.contains(key) { return .heading }
            if line.unicodeScalars.count <= 200, Self.teaserPrefixes.contains(where: { folded.hasPrefix($0) }) { return .heading }
        }
        if metaLines, folded.unicodeScalars.count <= 100, let fact = fact(in: line, folded: folded, key: key) {
            return .meta(fact)
        }
        return .text
    }

    /// The fact a meta line states, if the line is one.
    func fact(in line: String, folded: String, key: String) -> Fact? {
        // «کد خبر: 1402033019738», «کد خبر ۸۷۰۲۳۹», «کد ۸۷۰۲۳۹»: a label and digits only.
        for label in Self.newsIdLabels where folded.hasPrefix(label) {
            let rest = folded.unicodeScalars.dropFirst(label.unicodeScalars.count)
                .drop { $0 == " " || $0 == ":" || $0 == "：" || $0 == "-" || $0 == "#" }
            if rest.count >= 3, rest.allSatisfy({ $0.value >= 0x30 && $0.value <= 0x39 }) {
                return .newsId(String(String.UnicodeScalarView(rest)))
            }
        }
        // «دسته‌بندی: سیاست خارجی», «خبرنگار : 71443»: a label, a colon, a short value.
        if let (label, value) = Self.labelled(line), value.unicodeScalars.count <= 60 {
            let foldedLabel = TextFold.fold(label)
            if Self.categoryLabels.contains(foldedLabel) { return .category(value) }
            if Self.reporterLabels.contains(foldedLabel) { return .reporter }
        }
        // A date and nothing but date words: «سه‌شنبه/ ۳۰ خرداد ۱۴۰۲ / ۱۲:۲۱», «تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱».
        if dates.normalize(line) != nil {
            var residue = String(String.UnicodeScalarView(key.unicodeScalars.filter { !($0.value >= 0x30 && $0.value <= 0x39) }))
            for word in Self.dateWords where !residue.isEmpty {
                residue = residue.replacingOccurrences(of: word, with: "")
            }
            if residue.isEmpty {
                return .date(isUpdate: Self.updateLabels.contains { key.contains($0) })
            }
        }
        return nil
    }

    /// A line's label and value around its first colon (ASCII or full-width), both trimmed, when
    /// the label is at most four words.
    static func labelled(_ line: String) -> (label: String, value: String)? {
        let text = withoutBullet(line)
        guard let colon = text.unicodeScalars.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = trimmed(String(text.unicodeScalars[..<colon]))
        let value = trimmed(String(text.unicodeScalars[text.unicodeScalars.index(after: colon)...]))
        guard !label.isEmpty, !value.isEmpty, TextFold.words(label).count <= 4 else { return nil }
        return (label, value)
    }

    /// The line without a leading bullet («• », «- », «* », «▪ »).
    static func withoutBullet(_ line: String) -> String {
        let bullets: Set<Unicode.Scalar> = ["•", "·", "▪", "●", "◦", "‣", "∙", "*", "-", "–", "—", "■", "□", "►", "◄"]
        var scalars = Substring(line).unicodeScalars[...]
        while let first = scalars.first, bullets.contains(first) || TextFold.isSpace(first) { scalars = scalars.dropFirst() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The text without white space at its ends (NBSP included); ZWNJs stay.
    static func trimmed(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let start = scalars.firstIndex(where: { !TextFold.isSpace($0) }),
            let end = scalars.lastIndex(where: { !TextFold.isSpace($0) })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }

    /// The text's lines, trimmed, `**` removed when asked, empty lines left out.
    func lines(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { line -> String in
            var line = String(line)
            if bold { line = line.replacingOccurrences(of: "**", with: "") }
            return Self.trimmed(line)
        }.filter { !$0.isEmpty }
    }

    // MARK: - Apply

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        var record = record
        clean(&record)
        return record
    }

    /// One block of text and the role it came in.
    struct Block {
        enum Role { case title, pretitle, lead, body }
        var role: Role
        var lines: [String]
    }

    /// Cleans the record's text fields in place and fills the facts found.
    func clean(_ record: inout Record) {
        // 1. The blocks in reading order: pre-title, title, lead, body paragraphs.
        var blocks: [Block] = []
        let hadPretitle = record.text("pretitle") != nil
        let hadLead = record.text("lead") != nil
        let hadTitle = record.text("title") != nil
        blocks.append(Block(role: .pretitle, lines: lines(record.text("pretitle"))))
        blocks.append(Block(role: .title, lines: lines(record.text("title"))))
        blocks.append(Block(role: .lead, lines: lines(record.text("lead"))))
        for paragraph in CorpusSource.blocks(record.fields[ArticleField.body]?.plainText ?? "") {
            blocks.append(Block(role: .body, lines: lines(paragraph)))
        }

        // 2. Each line's kind; facts are read from every meta line, also after an end marker.
        var newsId: String?
        var category: String?
        // Update times («به روز شده در: …», often the day the page was saved) are never the publication date.
        var dateLines: [String] = []
        var seenBodyText = false
        var isCut = false
        var kept: [Block] = []
        for block in blocks {
            var keptLines: [String] = []
            for line in block.lines {
                switch kind(of: line) {
                case .meta(let fact):
                    switch fact {
                    case .newsId(let id): if newsId == nil { newsId = id }
                    case .category(let name): if category == nil { category = name }
                    case .date(let isUpdate): if !isUpdate { dateLines.append(line) }
                    case .reporter: break
                    }
                case .endMarker, .closingHeading:
                    // After body text the article ends here; before it (a page header) the line alone goes.
                    if block.role == .body, seenBodyText { isCut = true }
                case .heading:
                    break
                case .text:
                    guard !isCut else { continue }
                    keptLines.append(line)
                    if block.role == .body { seenBodyText = true }
                }
            }
            kept.append(Block(role: block.role, lines: keptLines))
        }
        // 3. Roles again: a title or lead that was only meta lines gives way to the next block.
        var remaining = kept.filter { !$0.lines.isEmpty }
        var pretitle: String?
        if hadPretitle, let index = remaining.firstIndex(where: { $0.role == .pretitle }) {
            pretitle = remaining.remove(at: index).lines.joined(separator: " ")
        }
        // A title that was only meta lines (a saved page header) gives way to the next block; a record
        // with no title gets none from its body.
        let titleEmptied = hadTitle && kept.first(where: { $0.role == .title })?.lines.isEmpty == true
        var title: String?
        if let first = remaining.first, first.role == .title || titleEmptied {
            title = remaining.removeFirst().lines.joined(separator: " ")
        }
        if pretitles, pretitle == nil, let candidate = title, let next = remaining.first, next.role != .body || !hadLead,
            Self.isPretitle(candidate, before: next.lines)
        {
            pretitle = candidate
            title = remaining.removeFirst().lines.joined(separator: " ")
        }

        // 4. Repeated titles (and pre-titles) in lead and body; the lead repeated in the body.
        if repeatedTitles, let title {
            for index in remaining.indices {
                remaining[index].lines = remaining[index].lines.compactMap { line in
                    if Self.repeats(line, title) || pretitle.map({ Self.repeats(line, $0) }) == true { return nil }
                    return Self.unglued(line, from: title)
                }
            }
            remaining.removeAll { $0.lines.isEmpty }
        }
        let leadTakesBlock = hadLead || titleEmptied
        var lead: String?
        if leadTakesBlock, !remaining.isEmpty {
            lead = remaining.removeFirst().lines.joined(separator: " ")
        }
        if repeatedTitles, let lead {
            let foldedLead = TextFold.fold(lead)
            for index in remaining.indices {
                remaining[index].lines.removeAll { TextFold.fold($0) == foldedLead }
            }
            remaining.removeAll { $0.lines.isEmpty }
        }

        // 5. A run of short headline-like lines closing the body.
        if headlineRun > 0 { Self.dropHeadlineRun(&remaining, minimum: headlineRun) }

        // 6. The fields.
        func set(_ field: String, _ value: String?) {
            if let value, !value.isEmpty { record.fields[field] = .string(value) } else { record.fields.removeValue(forKey: field) }
        }
        set("title", title)
        if pretitle != nil || hadPretitle { set("pretitle", pretitle) }
        set("lead", lead)
        record.fields[ArticleField.body] = .string(remaining.map { $0.lines.joined(separator: "\n") }.joined(separator: "\n\n"))
        if record.text("published") == nil, let published = VisibleFacts.published(in: dateLines, dates: dates) {
            record.fields[ArticleField.published] = .string(published)
        }
        if record.text("newsId") == nil, let newsId { record.fields[ArticleField.newsId] = .string(newsId) }
        if record.text("category") == nil, let category { record.fields[ArticleField.category] = .string(category) }
        if setsLanguage, record.text("language") == nil {
            let sample = [title ?? "", lead ?? "", remaining.prefix(5).map { $0.lines.joined(separator: " ") }.joined(separator: " ")].joined(separator: " ")
            if let language = ArticleExtractor.language(meta: PageMetadata(), sample: sample) { record.fields[ArticleField.language] = .string(language) }
        }
    }

    // MARK: - Rules

    /// Whether `candidate` (the first block) is a pre-title above the title `next`: it ends with «:»
    /// and the next block is one short line without a full stop.
    static func isPretitle(_ candidate: String, before next: [String]) -> Bool {
        guard let last = candidate.unicodeScalars.last, last == ":" || last == "：",
            next.count == 1, let line = next.first
        else { return false }
        return TextFold.words(line).count <= 25 && !endsSentence(line)
    }

    /// Whether the line repeats the title: equal once folded, or (a caption or alt text) holding every
    /// word of a title of four words or more with at most a fifth more words.
    static func repeats(_ line: String, _ title: String) -> Bool {
        if TextFold.fold(line) == TextFold.fold(title) { return true }
        let titleWords = TextFold.words(title)
        let lineWords = TextFold.words(line)
        guard titleWords.count >= 4, !lineWords.isEmpty else { return false }
        var counts: [String: Int] = [:]
        for word in lineWords { counts[word, default: 0] += 1 }
        var common = 0
        for word in titleWords where (counts[word] ?? 0) > 0 {
            counts[word, default: 0] -= 1
            common += 1
        }
        return Double(common) >= 0.8 * Double(max(titleWords.count, lineWords.count))
    }

    /// The line without the title glued to its start («…در منطقه شودبه گزارش …» → «به گزارش …»), or
    /// as it is. Only for titles of three words or more.
    static func unglued(_ line: String, from title: String) -> String {
        let lineScalars = Array(line.unicodeScalars)
        let titleScalars = Array(title.unicodeScalars)
        guard TextFold.words(title).count >= 3, lineScalars.count > titleScalars.count,
            lineScalars.starts(with: titleScalars)
        else { return line }
        let rest = trimmed(String(String.UnicodeScalarView(lineScalars[titleScalars.count...])))
        return rest.isEmpty ? line : rest
    }

    /// Whether the text ends a sentence: a full stop or an ellipsis, or a colon introducing what
    /// follows, possibly inside closing quotes or brackets.
    static func endsSentence(_ text: String) -> Bool {
        let closing: Set<Unicode.Scalar> = ["»", "\"", "”", "’", "'", ")", "]", "}"]
        var scalars = Array(trimmed(text).unicodeScalars)
        while let last = scalars.last, closing.contains(last) { scalars.removeLast() }
        guard let last = scalars.last else { return false }
        return last == "." || last == "…" || last == "۔" || last == ":" || last == "："
    }

    /// Whether a line reads as a headline: short, and not ending a sentence.
    static func isHeadline(_ line: String) -> Bool {
        line.unicodeScalars.count <= 150 && TextFold.words(line).count <= 20 && !endsSentence(line)
    }

    /// Drops a run of at least `minimum` headline-like lines at the end of the body, when a line that
    /// is not one comes before it (the last real paragraph).
    static func dropHeadlineRun(_ blocks: inout [Block], minimum: Int) {
        var run = 0
        for block in blocks.reversed() {
            let headlines = block.lines.reversed().prefix { isHeadline($0) }.count
            run += headlines
            if headlines < block.lines.count { break }
        }
        let total = blocks.reduce(0) { $0 + $1.lines.count }
        guard run >= minimum, run < total else { return }
        var toDrop = run
        while toDrop > 0, var last = blocks.popLast() {
            let count = min(toDrop, last.lines.count)
            last.lines.removeLast(count)
            toDrop -= count
            if !last.lines.isEmpty { blocks.append(last) }
        }
    }
}

import ETLKit
import ETLText

/// The dates a page prints in its short lines, sorted by what the lines say they are: a labelled
/// publication date ("Published March 10, 2024", «تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱»), an update
/// ("Aktualisiert am 11.03.2024"), or an unlabelled date.
///
/// Which date is the article's, in order (see ``published(metadata:others:dates:)``):
/// 1. the page's metadata (`article:published_time`, JSON-LD `datePublished`);
/// 2. a labelled publication line — a label before the date on its line, or alone on the line above;
///    when it gives no time, a `<time datetime>` (or a feed's date) of the same day lends its time;
/// 3. the first `<time datetime>`, then a date an earlier step knew (a feed item's);
/// 4. an unlabelled line: the one on the day the URL names, if any; otherwise, bylines before
///    sentences (a line over 80 characters), the first with a clock time, else the first — after
///    setting aside a "today" line: a line from the page's `<header>`
///    (when the cleaner records regions), or the first date line when it has a weekday and no time
///    and other lines give another day (the site-wide date many templates print above everything).
/// Lines labelled as updates give `modified` (from two lines above the publication line on: a
/// site-wide "updated at" sits in the page header) and never `published`; lines labelled "today", "print
/// date", "born", "registered", "retrieved" give nothing; nor do dates in comments (lines after a
/// comments heading, lines with "says"/"Reply", lines the cleaner marks as comments).
package struct VisibleDates {
    /// The first date of a line labelled as the publication date.
    package private(set) var labelled: String?
    /// The unlabelled date chosen by the rules above.
    package private(set) var unlabelled: String?
    /// The first date of a line labelled as an update.
    package private(set) var modified: String?
    private var labelledHasTime = false

    /// What a label says about the dates after it on its line: the publication, an update, or
    /// something that is never the article's date (today's date, a print date, a birth date, the
    /// date a forum member registered, the date a cited page was retrieved).
    package enum Label: Sendable { case published, updated, other }

    private struct Candidate {
        var value: String
        var day: Int
        var hasTime: Bool
        var hasWeekday: Bool
        var isHeader: Bool
        /// The date sits in a sentence (a line of more than 80 characters), not in a byline.
        var inSentence: Bool
    }

    /// Reads `lines` (a page's short lines, in order); `regions` tells where each sat, when known;
    /// `url` may name the day (`/2024/03/10/`).
    package init(lines: [String], regions: [LineRegion] = [], dates: ArticleDate, url: String? = nil) {
        var inComments = false
        var plain: [Candidate] = []
        var labelledLine: Int?
        var updates: [(line: Int, value: String)] = []
        // The last line without a date, when short: a label alone («تاریخ انتشار:») labels the next
        // line. Tokenised only when the next line has a date.
        var previous: String?
        for (index, line) in lines.enumerated() where line.utf8.count <= 640 {
            let region = index < regions.count ? regions[index] : .content
            guard WrittenDate.hasEnoughDigits(line) else {
                previous = line.utf8.count <= 48 ? line : nil
                // A comments heading matters only after the article's own date: a "5 comments" line
                // in a byline starts nothing.
                if !inComments, labelled != nil || !plain.isEmpty, line.utf8.count <= 48, Self.isCommentsHeading(DateTokens(line)) {
                    inComments = true
                }
                continue
            }
            let pending = previous.flatMap { Self.labelOnly(DateTokens($0)) }
            previous = nil
            let tokens = DateTokens(line)
            let found = WrittenDate.all(in: tokens, monthFirst: dates.monthFirst)
            guard !found.isEmpty else { continue }
            let labels = Self.labels(in: tokens.tokens)
            let isComment = region == .comments || Self.hasCommentWord(tokens.tokens)
            for (position, date) in found.enumerated() {
                let label = labels.last { $0.0 < date.tokens.lowerBound }?.1 ?? (position == 0 ? pending : nil)
                guard !isComment, !(inComments && label == nil), let value = dates.format(date), let day = ArticleDate.days(of: date) else { continue }
                switch label {
                case .published?:
                    if labelled == nil {
                        labelled = value
                        labelledHasTime = date.hasTime
                        labelledLine = index
                    }
                case .updated?:
                    updates.append((index, value))
                case .other?:
                    continue
                case nil:
                    plain.append(
                        Candidate(
                            value: value, day: day, hasTime: date.hasTime, hasWeekday: date.hasWeekday, isHeader: region == .header,
                            inSentence: line.unicodeScalars.count > 80))
                }
            }
            if let labelledLine, updates.contains(where: { $0.line + 2 >= labelledLine }) { break }
        }
        unlabelled = Self.choose(plain, urlDay: Self.day(inURL: url))
        // A site-wide "updated at" line sits in the page header, lines above the article's own date
        // (IranSamaneh templates: «به روز شده در: …» beside today's date): an update counts from two
        // lines above the publication line on.
        modified = updates.first { $0.line + 2 >= (labelledLine ?? 0) }?.value
    }

    /// The publication date: `metadata` (meta tags, JSON-LD: the page's own statement) first, then
    /// a labelled line, then `others` (the first `<time datetime>`, a feed's date), then an
    /// unlabelled line. Texts are normalised with `dates`.
    package func published(metadata: [String?], others: [String?], dates: ArticleDate) -> String? {
        if let stated = Self.stated(metadata, dates: dates) { return stated }
        let other = others.lazy.compactMap { $0 }.compactMap(dates.normalize).first
        if let labelled {
            // "Published March 10, 2024" beside <time datetime="2024-03-10T09:00:00+01:00">: the same
            // day, and the element knows the time.
            if !labelledHasTime, let other, other.prefix(10) == labelled.prefix(10) { return other }
            return labelled
        }
        return other ?? unlabelled
    }

    /// The first of `texts` (meta tags, JSON-LD values, in the page's order of trust) that reads as
    /// a date — made exact by a later one of the same day: `article:published_time` "November 20,
    /// 2019 13:42" beside JSON-LD "2019-11-20 13:42:06+08:00" gives the JSON-LD value.
    package static func stated(_ texts: [String?], dates: ArticleDate) -> String? {
        var found: String?
        for text in texts {
            guard let text, let value = dates.normalize(text) else { continue }
            guard let first = found else {
                found = value
                continue
            }
            guard value.prefix(10) == first.prefix(10) else { continue }
            // A date alone (10 characters) against a time; no offset (19 characters) against one.
            let timeless = first.count == 10 && value.count > 10
            let floating = first.count == 19 && value.count > 19 && value.prefix(16) == first.prefix(16)
            if timeless || floating { return value }
        }
        return found
    }

    private static func choose(_ candidates: [Candidate], urlDay: Int?) -> String? {
        var pool = candidates
        if let urlDay, let match = pool.first(where: { $0.day == urlDay }) { return match.value }
        // A date in a byline before a date in a sentence ("Am 26.2.2013 starb …").
        if pool.contains(where: { !$0.inSentence }) { pool.removeAll { $0.inSentence } }
        // The page header's lines, when the cleaner tells: a date there is the site's, not the article's.
        if pool.contains(where: { !$0.isHeader }) { pool.removeAll { $0.isHeader } }
        // A first date line with a weekday and no time, where other lines give another day: the
        // site's "today" line above the page.
        if let first = pool.first, !first.hasTime, first.hasWeekday, pool.dropFirst().contains(where: { $0.day != first.day }) {
            pool.removeFirst()
        }
        return (pool.first { $0.hasTime } ?? pool.first)?.value
    }

    /// The day a URL's path names: `/2024/03/10/`, `/2024-03-10-slug`, `/1402/03/30/`.
    package static func day(inURL url: String?) -> Int? {
        guard let url, let schemeEnd = url.firstRange(of: "://") else { return nil }
        let path = url[schemeEnd.upperBound...].drop { $0 != "/" }.prefix { $0 != "?" && $0 != "#" }
        guard WrittenDate.hasEnoughDigits(String(path), minimum: 6) else { return nil }
        let tokens = DateTokens(String(path))
        guard let date = WrittenDate.all(in: tokens, monthFirst: false).first,
            tokens.tokens[date.tokens.lowerBound].digits == 4
        else { return nil }
        return ArticleDate.days(of: date)
    }

    // MARK: Labels

    /// Label words, folded as ``DateTokens`` folds them; a label of several words is a sequence.
    private static let labelTable: [UInt64: [([UInt64], Label)]] = {
        let published = """
            published|posted|posted on|date|dated|publication|released|created|written|veröffentlicht|veroeffentlicht|publiziert|\
            datum|erstellt|geschrieben|créé|creado|creato|utworzono|\
            erschienen|veröffentlichung|publié|publiée|mis en ligne|publicado|publicada|fecha|publicación|opublikowano|\
            opublikowany|opublikowana|data|publikacja|publikacji|dodano|pubblicato|pubblicata|gepubliceerd|geplaatst|publicação|\
            yayınlanma|yayımlanma|tarih|تاریخ|انتشار|منتشر|منتشرشده|النشر|نشر|بتاریخ|опубликовано|дата
            """
        let updated = """
            updated|update|modified|last updated|edited|revised|aktualisiert|geändert|zuletzt|aktualisierung|änderung|mis à jour|\
            modifié|actualisé|actualizado|actualizada|actualización|modificado|zaktualizowano|aktualizacja|zmodyfikowano|\
            edytowano|aggiornato|aggiornata|aggiornamento|modificato|bijgewerkt|gewijzigd|atualizado|atualizada|atualização|\
            güncellendi|güncelleme|بهروزرسانی|بروزرسانی|به روز رسانی|بروز رسانی|بروز شده|به روز شده|بهروز شده|ویرایش|تحديث|التحديث|\
            обновлено
            """
        let other = """
            today|heute|aujourd|hoy|dzisiaj|dziś|oggi|vandaag|hoje|bugün|امروز|اليوم|сегодня|current time|aktuelle zeit|\
            it is currently|print date|printed|druckdatum|gedruckt|born|geboren|née|nacido|nacida|urodzony|urodzona|\
            registered|registriert|joined|member since|mitglied seit|inscrit|registrado|retrieved|accessed|abgerufen|consulté|\
            consultado|تولد|متولد
            """
        var table: [UInt64: [([UInt64], Label)]] = [:]
        for (list, label) in [(published, Label.published), (updated, .updated), (other, .other)] {
            for phrase in list.split(separator: "|") {
                let keys = DateTokens.keys(String(phrase))
                guard let first = keys.first else { continue }
                table[first, default: []].append((keys, label))
            }
        }
        // Longer phrases first: "mis à jour" before anything "mis" might start.
        return table.mapValues { $0.sorted { $0.0.count > $1.0.count } }
    }()

    /// The labels on a line: the token each starts at, and what it says.
    package static func labels(in tokens: [DateTokens.Token]) -> [(Int, Label)] {
        var found: [(Int, Label)] = []
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard tokens[index].kind == .word, let phrases = labelTable[tokens[index].key] else { continue }
            for (keys, label) in phrases where matches(keys, in: tokens, at: index) {
                found.append((index, label))
                index += keys.count - 1
                break
            }
        }
        return found
    }

    private static func matches(_ keys: [UInt64], in tokens: [DateTokens.Token], at start: Int) -> Bool {
        var index = start
        for key in keys {
            // Marks between the words of a label are skipped: "mis à jour", "aujourd'hui".
            while index < tokens.count, tokens[index].kind == .mark, index > start { index += 1 }
            guard index < tokens.count, tokens[index].kind == .word, tokens[index].key == key else { return false }
            index += 1
        }
        return true
    }

    /// A line that is only a label ("Published:", «تاریخ انتشار :»): its value is on the next line.
    private static func labelOnly(_ tokens: DateTokens) -> Label? {
        let words = tokens.tokens.filter { $0.kind == .word }
        guard !words.isEmpty, words.count <= 4, !tokens.tokens.contains(where: { $0.kind == .number }) else { return nil }
        let found = labels(in: tokens.tokens)
        // «تاریخ انتشار» is two labels of one kind.
        guard let (start, label) = found.first, start == tokens.tokens.firstIndex(where: { $0.kind == .word }),
            found.allSatisfy({ $0.1 == label })
        else { return nil }
        return label
    }

    /// Words of a comment's byline ("Anna says:", "Antworten", «پاسخ»).
    private static let commentWords = DateWords.keySet(
        """
        says sagt schreibt reply antworten répondre responder odpowiedz rispondi beantwoorden reageren پاسخ ответить
        """)

    private static func hasCommentWord(_ tokens: [DateTokens.Token]) -> Bool {
        tokens.contains { $0.kind == .word && commentWords.contains($0.key) }
    }

    /// Headings over readers' comments: "12 Kommentare", "Comments (3)", "Leave a Reply", «نظرات», «دیدگاه شما».
    private static let commentHeadings: [[UInt64]] = """
        comments|kommentare|commentaires|comentarios|comentários|komentarze|komentarzy|commenti|reacties|yorumlar|\
        комментарии|نظرات|دیدگاهها|التعلیقات|تعلیقات|leave a reply|leave a comment|نظر شما|دیدگاه شما|ارسال نظر|\
        kommentar schreiben|écrire un commentaire|laisser un commentaire|deja un comentario|dodaj komentarz
        """.split(separator: "|").map { DateTokens.keys(String($0)) }

    /// Whether a short text is a heading over readers' comments ("3 Comments", «نظرات»; see ``CommentSection``).
    package static func isCommentsHeading(_ text: String) -> Bool {
        isCommentsHeading(DateTokens(text))
    }

    private static func isCommentsHeading(_ tokens: DateTokens) -> Bool {
        let words = tokens.tokens.filter { $0.kind == .word }
        guard !words.isEmpty, words.count <= 5 else { return false }
        return tokens.tokens.indices.contains { start in
            commentHeadings.contains { $0.first == tokens.tokens[start].key && matches($0, in: tokens.tokens, at: start) }
        }
    }
}

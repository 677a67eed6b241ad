import ETLHTML
import ETLKit
import ETLText
import Foundation

/// The `article` extractor: fills the article fields from the page the cleaner left — meta tags,
/// JSON-LD, headings and the content blocks — for any site and language, with no per-site rules.
public struct ArticleExtractor: Transform {
    public static let descriptor = PluginDescriptor(
        id: "article",
        kind: .transform,
        summary: "Fills title, pretitle, lead, body, dates, authors, category, tags, site, language and URLs from a cleaned page.",
        discussion: """
            Needs a cleaner (html) before it. Title: the <h1> that og:title or <title> agree with, else og:title; \
            without og:title, the <h1> that opens the content; else <title> without the site name. Lead: the element named lead/summary/intro, else the meta \
            description. Body: the cleaner's blocks without repeats of the title, pre-title and lead, as one \
            string with paragraphs separated by blank lines (a data table as its rows, one a line, cells separated by " | "). \
            Tables: every data table of the body as a list of rows, each a list of cell texts. Dates: article:published_time, JSON-LD, <time>, \
            Jalali text included, as ISO 8601 with the offset of the site's place on that day. \
            Blocks: the body's blocks with their type (paragraph, heading with its level, list item, quote, caption, \
            table with its rows, preformatted) and their links as absolute URLs. Comments: readers' comments the cleaner \
            found (a site profile's markup, else lists of name, date and text under a place named or headed like comments), \
            never part of the body; their dates read like the article's. \
            Page kinds: pageKind says what the page is (article, thread, qa, listing); a thread has its posts \
            (first post included) and a Q&A page its question and answers, each with author, date and text; \
            the body stays the page's content as the cleaner chose it, whatever the kind.
            """,
        options: [
            Option.timeZone.spec, Option.profiles.spec, Option.requireBody.spec, Option.leadInBody.spec, Option.comments.spec, Option.blocks.spec,
        ],
        needsCleanedPage: true,
        fields: [
            FieldSpec(
                ArticleField.title, FieldSpec.text,
                "The headline: the <h1> that og:title or <title> agree with, else og:title; without og:title, the <h1> that opens the content; else <title> without the site's name."
            ),
            FieldSpec(ArticleField.pretitle, FieldSpec.text, "The kicker above the headline (Persian روتیتر), when the page marks one."),
            FieldSpec(ArticleField.lead, FieldSpec.text, "The standfirst: the element named lead/summary/intro, else the meta description."),
            FieldSpec(
                ArticleField.body, ["type": "string"],
                "The article's text: paragraphs separated by a blank line; headings and list items each a paragraph; a table as its rows, one a line, cells separated by \" | \". Empty only with requireBody off."
            ),
            FieldSpec(
                ArticleField.tables, ["type": "array", "items": ["type": "array", "items": ["type": "array", "items": ["type": "string"]]]],
                "Every data table of the body, as a list of rows, each a list of cell texts."),
            FieldSpec(
                ArticleField.published, FieldSpec.date,
                "When the article was first published: ISO 8601, a date-time with its offset, or a date alone when the page gives only the day (Jalali and written dates converted)."
            ),
            FieldSpec(ArticleField.modified, FieldSpec.date, "When the article was last changed, in the same form as published."),
            FieldSpec(ArticleField.authors, FieldSpec.texts, "The authors' names, each once."),
            FieldSpec(ArticleField.category, FieldSpec.text, "The section or category the page names."),
            FieldSpec(ArticleField.newsId, FieldSpec.text, "The news agency's own id for the story (\"کد خبر\"), when the page shows one."),
            FieldSpec(ArticleField.tags, FieldSpec.texts, "Tags, each once: article:tag, else the visible tag list, else the meta keywords."),
            FieldSpec(ArticleField.site, FieldSpec.text, "The site's name (og:site_name), else its host."),
            FieldSpec(
                ArticleField.language, FieldSpec.text, "The language as an ISO 639 code (fa, en, de), from the markup when the text agrees, else from the text."
            ),
            FieldSpec(
                ArticleField.canonicalUrl, FieldSpec.text,
                "The URL the page names as canonical; on a page of a site profile with a URL rule, its article URL without the slug (/fa/news/123)."),
            FieldSpec(
                ArticleField.images, FieldSpec.texts,
                "The article's images (og:image first, then the pictures of the article's text), absolute URLs, each once."),
            FieldSpec(ArticleField.profile, ["type": "string"], "The site profile whose selectors were used, when one matched (see the html cleaner)."),
            FieldSpec(
                ArticleField.blocks,
                [
                    "type": "array",
                    "items": [
                        "type": "object", "required": ["type", "text"],
                        "properties": [
                            "type": ["enum": .array(ContentBlock.Kind.allCases.map { .string($0.rawValue) })],
                            "text": ["type": "string"],
                            "level": ["type": "integer", "minimum": 1, "maximum": 6],
                            "links": [
                                "type": "array",
                                "items": [
                                    "type": "object", "required": ["text", "href"],
                                    "properties": ["text": ["type": "string"], "href": ["type": "string"]],
                                ],
                            ],
                            "rows": ["type": "array", "items": ["type": "array", "items": ["type": "string"]]],
                        ],
                    ],
                ],
                "The body's blocks in order, each {type, text}: type paragraph, heading, listItem, quote, caption, table or preformatted; level (1–6) for a heading; links [{text, href}] with absolute URLs when the block has any; rows (lists of cell texts) for a table. Their texts joined by blank lines are the body. Written unless the blocks option is off."
            ),
            FieldSpec(
                ArticleField.comments,
                [
                    "type": "array",
                    "items": [
                        "type": "object", "required": ["author", "published", "text"],
                        "properties": ["author": FieldSpec.text, "published": FieldSpec.date, "text": ["type": "string"]],
                    ],
                ],
                "Readers' comments in page order (replies included), each {author, published, text}: the name or null; the date in the form of published (Jalali and written dates converted; null when none could be read); the text, paragraphs separated by a blank line. Never part of body. Absent on a page without comments, and when the comments option is off."
            ),
        ] + pageKindFields
    )

    let timeZone: TimeZone?
    let guessesTimeZone: Bool
    let requiresBody: Bool
    let usesProfiles: Bool
    /// Whether a block that repeats the lead stays in the body.
    let keepsLeadInBody: Bool
    /// Whether the record gets `comments` and `blocks`.
    let keepsComments: Bool
    let keepsBlocks: Bool

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let timeZone: OptionKey<String> = .string(
            "timeZone", default: "auto",
            "IANA time zone for dates written in UTC or without an offset; \"auto\" guesses from the site's country domain or language.")
        static let profiles: OptionKey<Bool> = .boolean(
            "profiles", default: true,
            "Prefer what a detected site profile's selectors found (see the html cleaner), field by field, over the generic guesses.")
        static let requireBody: OptionKey<Bool> = .boolean(
            "requireBody", default: true, "Send a page with no body text to the dead-letter sink instead of writing an empty article.")
        static let leadInBody: OptionKey<Bool> = .boolean(
            "leadInBody", default: false,
            "Keep the lead paragraph in the body when the page shows it in the article, so that the body is the whole text a reader sees (as trafilatura gives it). Off, the lead is only in lead, as the text sink's corpus format wants."
        )
        static let comments: OptionKey<Bool> = .boolean(
            "comments", default: true,
            "Write the readers' comments the cleaner found to comments (off: no comments field). They are never in the body either way.")
        static let blocks: OptionKey<Bool> = .boolean(
            "blocks", default: true, "Write the body's typed blocks (headings with levels, list items, tables, links) to blocks (off: no blocks field).")
    }

    public init(options: PluginOptions) throws {
        let zone = options[Option.timeZone]
        if zone == "auto" {
            timeZone = nil
            guessesTimeZone = true
        } else {
            guard let named = TimeZone(identifier: zone) else {
                throw OptionError(option: Option.timeZone.name, "is \"\(zone)\", not a time zone of the tz database (such as \"Asia/Tehran\" or \"UTC\")")
            }
            timeZone = named
            guessesTimeZone = false
        }
        requiresBody = options[Option.requireBody]
        usesProfiles = options[Option.profiles]
        keepsLeadInBody = options[Option.leadInBody]
        keepsComments = options[Option.comments]
        keepsBlocks = options[Option.blocks]
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        guard let page = record.page else { throw ArticleExtractorError.noPage(url: record.url) }
        var record = record
        let fields = extract(page: page, url: record.response?.finalURL ?? record.url, known: record.fields)
        if requiresBody && (fields[ArticleField.body]?.stringValue ?? "").isEmpty {
            throw ArticleExtractorError.noBody(url: record.url)
        }
        for (name, value) in fields where record.fields[name] == nil || !value.isNull {
            record.fields[name] = value
        }
        return record
    }

    /// The article fields of a cleaned page. `known` holds what earlier steps found (a feed item's
    /// date, say): the page's own values win, these fill gaps.
    public func extract(page: Page, url: String, known: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let meta = page.metadata
        let linked = JSONLDArticle(scripts: meta.jsonLD)
        var fields: [String: JSONValue] = ["url": .string(url)]

        // A detected profile's title, pre-title and lead are known before the body is chosen, so
        // that the blocks repeating them are left out of it as the generic ones are.
        func profiled(_ field: String) -> String? {
            guard usesProfiles else { return nil }
            return meta.profileFields[field]?.first
        }
        var site = meta.meta("og:site_name", "application-name") ?? linked.publisher
        let title = profiled(ArticleField.title) ?? Self.title(meta: meta, linked: linked, site: site, content: page.blocks)
        if site == nil, let title, let element = meta.titleElement { site = Self.siteName(in: element, title: title) }
        let pretitle = profiled(ArticleField.pretitle) ?? meta.kickers.first { !$0.isEmpty && $0 != title && $0.count <= 300 }
        let description = meta.meta("og:description", "description", "twitter:description") ?? linked.description
        let lead = profiled(ArticleField.lead) ?? Self.lead(summaries: meta.summaries, description: description, title: title)

        // The lead is not left out of the body when the body is to hold it: only the page's own
        // blocks are kept, so a lead taken from the meta description never enters the body.
        let repeated = [title, pretitle, keepsLeadInBody ? nil : lead].compactMap { $0 }
        let repeats = repeated.map { Array(Self.comparable($0).unicodeScalars) }
        // Only a block about as long as the title, pre-title or lead can repeat it: skip the others.
        let lengths = repeated.map(\.utf8.count)
        let bodyBlocks = page.blocks.filter { block in
            let length = block.text.utf8.count
            guard lengths.contains(where: { length <= $0 * 2 + 8 && length * 2 + 8 >= $0 }) else { return true }
            return !repeats.contains { Self.isComparable(block.text, to: $0) }
        }
        let body = bodyBlocks.map(\.text)
        let tables = bodyBlocks.compactMap(\.rows)

        let canonical = meta.canonicalURL ?? meta.meta("og:url")
        let host = [canonical, url].compactMap { $0.flatMap { URL(string: $0)?.host } }.first
        let language = Self.language(meta: meta, sample: TextLanguage.sample([title, lead].compactMap { $0 } + body))
        let zone = guessesTimeZone ? PlaceTimeZone.guess(host: host, language: language) : timeZone
        let dates = ArticleDate(timeZone: zone, monthFirst: ArticleDate.monthFirst(locale: Self.declaredLanguage(meta) ?? language, host: host))
        // Metadata, then a labelled date line, then <time> and a feed's date, then an unlabelled line (see VisibleDates).
        // The visible lines are read only when the metadata leaves a date open (most pages state both).
        let statedPublished = VisibleDates.stated(
            [
                meta.meta("article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate", "date"),
                linked.datePublished,
            ], dates: dates)
        // http-equiv last-modified is the server's file time: the article's own dates come first.
        let statedModified = VisibleDates.stated(
            [
                meta.meta("article:modified_time", "og:updated_time", "datemodified"), linked.dateModified,
                meta.meta("last-modified"),
            ], dates: dates)
        let visible =
            statedPublished != nil && statedModified != nil
            ? nil
            : VisibleDates(lines: meta.lines, regions: meta.lineRegions, dates: dates, url: canonical ?? url)
        let published = statedPublished ?? visible?.published(metadata: [], others: [meta.times.first, known["published"]?.stringValue], dates: dates)
        let modified = statedModified ?? visible?.modified

        var authors = meta.metaTags.filter { $0.name == "author" || $0.name == "article:author" || $0.name == "dc.creator" }
            .map(\.content).filter { !$0.isEmpty && !$0.hasPrefix("http") }
        if authors.isEmpty { authors = linked.authors }
        var tags = meta.metaTags.filter { $0.name == "article:tag" }.map(\.content)
        // The list the reader sees under the article is the page's tags; meta keywords are for
        // search engines and often hold other words (the site's name, older tags).
        if tags.isEmpty { tags = meta.tagLinks }
        if tags.isEmpty, let keywords = meta.meta("news_keywords", "keywords") { tags = keywords.listItems }
        if tags.isEmpty { tags = linked.keywords }
        var images = meta.metaTags.filter { $0.name == "og:image" || $0.name == "twitter:image" }.map(\.content)
        if images.isEmpty { images = linked.images }
        // Then the pictures of the article's own text (a second figure, or the only picture of a page
        // without og:image), made absolute as the blocks' links are, each once (`unique` below).
        let imageBase = Self.base(url: url, canonical: canonical)
        images += meta.contentImages.compactMap { source in
            guard let absolute = URL(string: source, relativeTo: imageBase)?.absoluteURL,
                absolute.scheme == "http" || absolute.scheme == "https"
            else { return nil }
            return absolute.absoluteString
        }

        fields[ArticleField.title] = Self.value(title?.canonicallyComposed)
        fields[ArticleField.pretitle] = Self.value(pretitle?.canonicallyComposed)
        fields[ArticleField.lead] = Self.value(lead?.canonicallyComposed)
        fields[ArticleField.body] = .string(body.joined(separator: "\n\n"))
        fields[ArticleField.tables] = .array(tables.map { rows in .array(rows.map { cells in .array(cells.map(JSONValue.string)) }) })
        fields[ArticleField.published] = Self.value(published)
        fields[ArticleField.modified] = Self.value(modified)
        fields[ArticleField.authors] = .array(Self.unique(authors).map(JSONValue.string))
        fields[ArticleField.category] = Self.value(
            meta.meta("article:section", "articlesection") ?? linked.section
                ?? VisibleFacts.category(in: meta.breadcrumbs, title: title))
        fields[ArticleField.newsId] = Self.value(
            VisibleFacts.newsId(in: meta.lines) ?? VisibleFacts.newsId(in: meta)
                ?? VisibleFacts.newsId(inURL: canonical))
        fields[ArticleField.tags] = .array(Self.unique(tags).map(JSONValue.string))
        fields[ArticleField.site] = Self.value(site ?? host)
        fields[ArticleField.language] = Self.value(language)
        fields[ArticleField.canonicalUrl] = Self.value(canonical)
        fields[ArticleField.images] = .array(Self.unique(images).map(JSONValue.string))
        if keepsBlocks {
            fields[ArticleField.blocks] = Self.blocks(bodyBlocks, base: imageBase)
        }
        if keepsComments && !meta.comments.isEmpty { fields[ArticleField.comments] = Self.comments(meta.comments, dates: dates) }
        fields.merge(Self.pageKindValues(meta, dates: dates)) { _, kind in kind }

        // A detected site profile knows its family's markup exactly: what its selectors found wins,
        // field by field; where they found nothing, the generic value stays.
        if usesProfiles {
            for (field, texts) in meta.profileFields where field != "body" {
                let isList = field == "tags" || field == "authors" || field == "images"
                switch SelectExtractor.value(field: field, texts: texts, isList: isList, dates: dates) {
                case .string(let text): fields[field] = .string(text.canonicallyComposed)
                case .some(let value): fields[field] = value
                case nil: break
                }
            }
            if let profile = meta.profile { fields[ArticleField.profile] = .string(profile) }
            // The family's article URL without its slug: one page for dedup, whichever link was read.
            if let rewritten = meta.profileCanonicalURL { fields[ArticleField.canonicalUrl] = .string(rewritten) }
        }
        return fields
    }

    /// What relative links and images are resolved against: the page's URL, but for a page read from
    /// a file the address it names for itself.
    static func base(url: String, canonical: String?) -> URL? {
        let pageURL = URL(string: url)
        return pageURL?.isFileURL == true ? canonical.flatMap { URL(string: $0) } ?? pageURL : pageURL
    }

    /// The `blocks` field: each block's type and text, a heading's level, a table's rows, and the
    /// links with their targets made absolute against the page's URL.
    static func blocks(_ blocks: [ContentBlock], base: URL?) -> JSONValue {
        .array(
            blocks.map { block in
                var object: [String: JSONValue] = ["type": .string(block.kind.rawValue), "text": .string(block.text)]
                if let level = block.level { object["level"] = .integer(level) }
                if let rows = block.rows { object["rows"] = .array(rows.map { .array($0.map(JSONValue.string)) }) }
                if !block.links.isEmpty {
                    object["links"] = .array(
                        block.links.map { link in
                            let href = URL(string: link.href, relativeTo: base)?.absoluteString ?? link.href
                            return .object(["text": .string(link.text.canonicallyComposed), "href": .string(href)])
                        })
                }
                return .object(object)
            })
    }

    /// The `comments` field: author, date (read as the article's are), text, in NFC as the other texts.
    static func comments(_ comments: [PageComment], dates: ArticleDate) -> JSONValue {
        .array(
            comments.map { comment in
                .object([
                    "author": value(comment.author?.canonicallyComposed),
                    "published": value(comment.published.flatMap(dates.normalize)),
                    "text": .string(comment.text.canonicallyComposed),
                ])
            })
    }

    private static func value(_ text: String?) -> JSONValue {
        guard let text, !text.isEmpty else { return .null }
        return .string(text)
    }

    /// Text as compared for repeats: folded white space, no ZWNJ, no trailing punctuation.
    static func comparable(_ text: String) -> String {
        // Collected in an array: removing the last scalar of a String re-indexes it.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars where scalar != "\u{200C}" && !PageAnalysis.isSpace(scalar) {
            scalars.append(scalar)
        }
        while let last = scalars.last, isPunctuation(last) {
            scalars.removeLast()
        }
        // Encoded to UTF-8 and decoded once: `String.unicodeScalars.append(contentsOf:)` appends
        // scalar by scalar and cost 7% of the cleaner and extractor's Swift time when measured.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in scalars {
            bytes.append(contentsOf: scalar.utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `comparable(text)` is `key`, found without building it: the scalars are compared as
    /// they come and the first difference ends the test (most blocks differ at their first letter).
    static func isComparable(_ text: String, to key: [Unicode.Scalar]) -> Bool {
        var matched = 0
        var rest = text.unicodeScalars.makeIterator()
        while let scalar = rest.next() {
            if scalar == "\u{200C}" || PageAnalysis.isSpace(scalar) { continue }
            if matched < key.count {
                guard scalar == key[matched] else { return false }
                matched += 1
            } else if !isPunctuation(scalar) {
                // Longer than the key: only trailing punctuation may follow.
                return false
            }
        }
        return matched == key.count
    }

    private static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// Separators between a title and a site name.
    private static let titleSeparators = [" | ", " - ", " – ", " — ", " :: ", " » ", " « ", " · ", " • ", " / "]

    /// The headline. `content` is the cleaner's blocks, for the rule on an `<h1>` that opens them.
    static func title(meta: PageMetadata, linked: JSONLDArticle, site: String?, content: [ContentBlock] = []) -> String? {
        let social = meta.meta("og:title", "twitter:title")
        let full = [social, linked.headline, meta.titleElement].compactMap { $0 }.filter { !$0.isEmpty }
        let fullKeys = full.map(comparable)
        // An <h1> that the page's own title tags agree with is the most exact title there is.
        for heading in meta.headings where heading.count >= 4 && heading.count <= 400 {
            let key = comparable(heading)
            if fullKeys.contains(where: { $0.contains(key) }) { return heading }
        }
        // With no og:title and no JSON-LD headline, the page states its headline only twice: in
        // `<title>` (often a short or older form chosen for the browser's tab, or the section's
        // name) and in the `<h1>` that opens the article's text. As trafilatura and Readability do
        // (an `<h1>` is preferred to `<title>` when it does not agree with it), that `<h1>` is the
        // title, and so it is not repeated as the body's first block. An `<h1>` elsewhere (the
        // site's logo in the page's header) is not in the content and does not count.
        if social == nil && linked.headline == nil, let first = content.first, first.kind == .heading, first.level == 1,
            first.text.count >= 4 && first.text.count <= 400
        {
            return first.text
        }
        if let best = full.first { return stripSiteName(best, site: site) }
        return meta.headings.first
    }

    /// "Title - Site" → "Title". With a known site name, only that is removed; otherwise the longest
    /// part is kept when the others look like a name (shorter than it).
    static func stripSiteName(_ title: String, site: String?) -> String {
        for separator in titleSeparators {
            let parts = title.components(separatedBy: separator)
            guard parts.count > 1 else { continue }
            if let site, !site.isEmpty {
                let key = comparable(site)
                let kept = parts.filter { comparable($0) != key }
                if kept.count < parts.count { return kept.joined(separator: separator).trimmingWhitespace() }
                continue
            }
            if let longest = parts.max(by: { $0.count < $1.count }), parts.count == 2 {
                return longest.trimmingWhitespace()
            }
        }
        return title
    }

    /// The other part of a "Site | Title" page title, when one part is the title.
    static func siteName(in element: String, title: String) -> String? {
        for separator in titleSeparators {
            let parts = element.components(separatedBy: separator).map { $0.trimmingWhitespace() }
            guard parts.count == 2 else { continue }
            if parts[1] == title { return parts[0] }
            if parts[0] == title { return parts[1] }
        }
        return nil
    }

    /// The summary element that the meta description agrees with, else the description, else the
    /// first summary element.
    static func lead(summaries: [String], description: String?, title: String?) -> String? {
        let candidates = summaries.filter { !$0.isEmpty && $0 != title }
        if let description, !description.isEmpty {
            let key = String(comparable(description).prefix(40))
            if let agreeing = candidates.first(where: { comparable($0).hasPrefix(key) }) { return agreeing }
            return description
        }
        return candidates.first
    }

    /// The markup's language (primary subtag) unless the text clearly contradicts it; the text's
    /// language when the markup declares none (see ``TextLanguage``).
    static func language(meta: PageMetadata, sample: String) -> String? {
        // A declared language only has to be checked against the text: some 200 words do that.
        let declared = declaredLanguage(meta)
        return TextLanguage.resolve(declared: declared, text: sample, byteLimit: declared == nil ? 4096 : 1536)
    }

    /// `<html lang>`, else the content-language, og:locale or dc.language meta tag, as written.
    static func declaredLanguage(_ meta: PageMetadata) -> String? {
        [meta.language, meta.meta("content-language", "og:locale", "dc.language")].lazy.compactMap { $0 }.first { !$0.isEmpty }
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }
}

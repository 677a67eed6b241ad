import ETLKit
import ETLText
import Foundation

/// The `filter` transform: keeps or drops records by keywords or regular expressions on named
/// fields, by language, by minimum length and by a publication window. A dropped record is skipped
/// (counted by the runner, not an error).
///
/// Keywords match anywhere in the field, ignoring case, ZWNJs, Arabic/Persian yeh and kaf and the
/// kind of digits («میآید» matches «می‌آید», «علي» matches «علی»). A pattern that starts with `re:`
/// is a regular expression, matched on unicode scalars against the field's text as it is.
public struct RecordFilter: Transform {
    public static let descriptor = PluginDescriptor(
        id: "filter",
        kind: .transform,
        summary: "Keeps or drops records by keywords or regexes on fields, language, minimum length and date window.",
        discussion: """
            A record is kept when every `include` field matches one of its patterns, no `exclude` field matches \
            one of its patterns, its `language` is listed, each `minLength` field is long enough, and `published` \
            falls in the window. Patterns are keywords (case-, ZWNJ-, yeh/kaf- and digit-insensitive) or, \
            prefixed with `re:`, regular expressions on unicode scalars. List fields are joined by line breaks. \
            A record with no `language` fails a `language` rule, and one with no readable `published` fails a \
            date window. `pageKind` keeps the records of the kinds listed (the article step's pageKind: article, \
            thread, qa, listing); a record without pageKind counts as an article.
            """,
        options: [
            Option.include.spec, Option.exclude.spec, Option.language.spec, Option.minLength.spec, Option.since.spec, Option.until.spec, Option.pageKind.spec,
        ]
    )

    /// One pattern of an include or exclude rule. `@unchecked`: a compiled `Regex` is immutable and
    /// safe to share, but `Regex<AnyRegexOutput>` is not declared `Sendable` (its output type is not).
    enum Pattern: @unchecked Sendable {
        /// A folded keyword.
        case keyword(String)
        /// A regular expression, as written after `re:`, matching on unicode scalars.
        case expression(Regex<AnyRegexOutput>)
    }

    let include: [(field: String, patterns: [Pattern])]
    let exclude: [(field: String, patterns: [Pattern])]
    let languages: Set<String>?
    let minimumLengths: [(field: String, length: Int)]
    let publishedAfter: Date?
    let publishedBefore: Date?
    /// The page kinds kept, when the option is given.
    let pageKinds: Set<PageKind>?

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let include: OptionKey<JSONValue?> = .any(
            "include", "Object of field → pattern or list of patterns: every field named must match one of its patterns.")
        static let exclude: OptionKey<JSONValue?> = .any(
            "exclude", "Object of field → pattern or list of patterns: a record is dropped when any of them matches.")
        static let language: OptionKey<[String]?> = .strings("language", "Language codes to keep (the record's `language` field), such as [\"fa\"].")
        static let minLength: OptionKey<JSONValue?> = .any(
            "minLength", "Object of field → minimum length in unicode scalars, white space at the ends not counted.")
        static let since = TimeBound.since("Compared with the record's published date.", formerly: ["publishedAfter"])
        static let until = TimeBound.until(formerly: ["publishedBefore"])
        static let pageKind: OptionKey<[String]?> = .strings(
            "pageKind",
            "Page kinds to keep (the record's pageKind, written by article): any of \"article\", \"thread\", \"qa\", \"listing\", such as [\"thread\", \"qa\"]. A record without pageKind counts as an article."
        )
    }

    public init(options: PluginOptions) throws {
        include = try Self.rules(options[Option.include], option: Option.include.name)
        exclude = try Self.rules(options[Option.exclude], option: Option.exclude.name)
        languages = options[Option.language].map { Set($0.map { $0.lowercased() }) }
        for code in languages ?? [] {
            if let problem = Self.problem(withLanguageCode: code) { throw OptionError(option: Option.language.name, problem) }
        }
        var lengths: [(String, Int)] = []
        if let value = options[Option.minLength], !value.isNull {
            guard let object = value.objectValue else {
                throw OptionError(option: Option.minLength.name, "must be an object of field → minimum length, such as {\"body\": 500}")
            }
            for (field, length) in object.sorted(by: { $0.key < $1.key }) {
                guard let length = length.integerValue, length >= 0 else {
                    throw OptionError(option: Option.minLength.name, "gives \"\(field)\" \(length.typeDescription), not a length of 0 or more")
                }
                lengths.append((field, length))
            }
        }
        minimumLengths = lengths
        pageKinds = try Self.pageKinds(options[Option.pageKind])
        (publishedAfter, publishedBefore) = try TimeBound.window(since: options[Option.since], until: options[Option.until])
    }

    /// The kinds named by the `pageKind` option, each checked against ``PageKind``'s names.
    static func pageKinds(_ names: [String]?) throws(OptionError) -> Set<PageKind>? {
        guard let names else { return nil }
        guard !names.isEmpty else { throw OptionError(option: Option.pageKind.name, "is empty: it would drop every record; name the kinds to keep") }
        var kinds: Set<PageKind> = []
        for name in names {
            guard let kind = PageKind(rawValue: name.lowercased()) else {
                let known = PageKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                let near = PageKind.allCases.first { name.lowercased().hasPrefix($0.rawValue) || $0.rawValue.hasPrefix(name.lowercased()) }
                let suggestion = near.map { " (did you mean \"\($0.rawValue)\"?)" } ?? ""
                throw OptionError(option: Option.pageKind.name, "has \"\(name)\", which is not a page kind: the kinds are \(known)\(suggestion)")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    /// Why `code` is not a language code records carry (ISO 639: `fa`, `de`, `pt-br`), as a clause,
    /// or nil. A language's English name ("persian") is the usual mistake: its code is suggested.
    /// Such a rule would drop every record, silently.
    static func problem(withLanguageCode code: String) -> String? {
        let primary = String(code.prefix { $0 != "-" && $0 != "_" })
        if Locale.LanguageCode(primary).isISOLanguage { return nil }
        let english = Locale(identifier: "en")
        let named = Locale.LanguageCode.isoLanguageCodes.first { candidate in
            english.localizedString(forLanguageCode: candidate.identifier)?.lowercased() == code
        }
        let suggestion = named.map { " (the code of \(english.localizedString(forLanguageCode: $0.identifier) ?? code) is \"\($0.identifier)\")" } ?? ""
        return "has \"\(code)\", which is not an ISO 639 language code such as \"fa\" or \"en\"\(suggestion)"
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        keeps(record) ? record : nil
    }

    /// Whether the record passes every rule.
    public func keeps(_ record: Record) -> Bool {
        let output = record.output
        func text(_ field: String) -> String? {
            guard let value = output[field], !value.isNull else { return nil }
            return value.plainText
        }
        for rule in include {
            guard let value = text(rule.field), Self.matches(value, rule.patterns) else { return false }
        }
        for rule in exclude {
            if let value = text(rule.field), Self.matches(value, rule.patterns) { return false }
        }
        if let languages {
            guard let language = text("language")?.lowercased(),
                languages.contains(language)
                    || languages.contains(String(language.prefix { $0 != "-" && $0 != "_" }))
            else { return false }
        }
        if let pageKinds {
            let kind = text(ArticleField.pageKind).flatMap(PageKind.init(rawValue:)) ?? .article
            guard pageKinds.contains(kind) else { return false }
        }
        for rule in minimumLengths {
            let length = (text(rule.field) ?? "").trimmingWhitespace().unicodeScalars.count
            if length < rule.length { return false }
        }
        if publishedAfter != nil || publishedBefore != nil {
            guard let published = text("published"), let date = ArticleDate(timeZone: nil).parseISO(published)?.0 else { return false }
            if let publishedAfter, date < publishedAfter { return false }
            if let publishedBefore, date >= publishedBefore { return false }
        }
        return true
    }

    /// Whether one of the patterns matches the text.
    static func matches(_ text: String, _ patterns: [Pattern]) -> Bool {
        var folded: String?
        for pattern in patterns {
            switch pattern {
            case .keyword(let keyword):
                if folded == nil { folded = TextFold.fold(text) }
                if TextFold.contains(folded ?? "", keyword) { return true }
            case .expression(let regex):
                if text.contains(regex) { return true }
            }
        }
        return false
    }

    /// Reads an include or exclude object, compiling each regular expression once to check it.
    static func rules(_ value: JSONValue?, option: String) throws -> [(field: String, patterns: [Pattern])] {
        guard let value, !value.isNull else { return [] }
        guard let object = value.objectValue else {
            throw OptionError(option: option, "must be an object of field → patterns, such as {\"title\": [\"ایران\", \"re:^خبر\"]}")
        }
        var rules: [(String, [Pattern])] = []
        for (field, patternsValue) in object.sorted(by: { $0.key < $1.key }) {
            let texts: [String]
            switch patternsValue {
            case .string(let text): texts = [text]
            case .array(let values) where values.allSatisfy({ $0.stringValue != nil }): texts = values.compactMap(\.stringValue)
            default:
                throw OptionError(option: option, "gives \"\(field)\" \(patternsValue.typeDescription), not a pattern or a list of patterns")
            }
            guard !texts.isEmpty else { throw OptionError(option: option, "gives \"\(field)\" no pattern") }
            var patterns: [Pattern] = []
            for text in texts {
                if text.hasPrefix("re:") {
                    do {
                        let regex = try Regex(String(text.dropFirst(3))).matchingSemantics(.unicodeScalar)
                        patterns.append(.expression(regex))
                    } catch {
                        throw OptionError(option: option, "has \"\(text)\" for \"\(field)\", which is not a valid regular expression (\(error))")
                    }
                } else {
                    let keyword = TextFold.fold(text)
                    guard !keyword.isEmpty else { throw OptionError(option: option, "has an empty keyword for \"\(field)\"") }
                    patterns.append(.keyword(keyword))
                }
            }
            rules.append((field, patterns))
        }
        return rules
    }
}

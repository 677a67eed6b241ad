import CLibXML2
import ETLKit
import ETLText
import Foundation

/// The `select` extractor: fills fields from CSS selectors or XPath expressions, per site or CMS.
///
/// Selectors are given inline (`fields`) or in a profile file (`profile`: `{"fields": {…}}`), the
/// inline ones winning. A CSS selector may end in `::text` (the default) or `::attr(NAME)`, as in
/// Scrapy; a selector starting with `xpath:` is XPath. Article fields keep their conventions:
/// `newsId` becomes ASCII digits, `published`/`modified` ISO 8601 with the place's offset (Jalali
/// dates included); list fields (`tags`, `authors`, `images` and those named in `lists`) take every
/// match, the others the first non-empty one. A selector that finds nothing leaves the field as it was.
public struct SelectExtractor: Transform {
    public static let descriptor = PluginDescriptor(
        id: "select",
        kind: .transform,
        summary: "Fills fields from CSS selectors (::text, ::attr(name)) or XPath, inline or from a site profile file.",
        discussion: """
            Example: { "use": "select", "fields": { "newsId": ".news_id_c", "pretitle": ".rutitr", \
            "tags": ".tags_title a", "images": "article img::attr(src)", "category": "xpath://ol[@class='breadcrumb']/li[last()]" } }. \
            Put it after "article" to correct what the generic extractor found, or use it alone. \
            The page is parsed as the cleaner parses it: HTML comments are not in the tree, and \
            XPath's id() finds nothing (select by @id instead).
            """,
        options: [Option.fields.spec, Option.profile.spec, Option.lists.spec, Option.timeZone.spec]
    )

    /// One field's compiled selector.
    package struct FieldSelector: Sendable {
        package var field: String
        package var xpath: String
        /// `::attr(name)`: the attribute's value instead of the text.
        package var attribute: String?
    }

    package let selectors: [FieldSelector]
    package let lists: Set<String>
    package let timeZone: TimeZone?

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let fields: OptionKey<[String: String]> = .stringMap("fields", "Field name to selector (CSS, or XPath after \"xpath:\").")
        static let profile: OptionKey<String?> = .string("profile", "A JSON file {\"fields\": {name: selector}} for one site or CMS; inline fields win.")
        static let lists: OptionKey<[String]> = .strings("lists", default: ["tags", "authors", "images"], "Fields that take every match as a list.")
        static let timeZone: OptionKey<String> = .string(
            "timeZone", default: "auto", "IANA time zone for dates without an offset; \"auto\" guesses from the site.")
    }

    public init(options: PluginOptions) throws {
        var selectorTexts: [String: String] = [:]
        if let profile = options[Option.profile] {
            selectorTexts = try Self.loadProfile(profile)
        }
        for (field, selector) in options[Option.fields] { selectorTexts[field] = selector }
        guard !selectorTexts.isEmpty else { throw OptionError(option: Option.fields.name, "is empty and no profile is given: name at least one field") }
        selectors = try selectorTexts.sorted { $0.key < $1.key }.map { field, text in try Self.compile(field: field, selector: text) }
        lists = Set(options[Option.lists])
        let zone = options[Option.timeZone]
        if zone == "auto" {
            timeZone = nil
        } else {
            guard let named = TimeZone(identifier: zone) else { throw OptionError(option: Option.timeZone.name, "is \"\(zone)\", not a tz database zone") }
            timeZone = named
        }
    }

    package static func loadProfile(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OptionError(option: "profile", "names \(path), which cannot be read")
        }
        let root: JSONNode
        do {
            root = try JSONNodeParser.parse(bytes: Array(data))
        } catch {
            throw OptionError(option: "profile", "names \(path), which is not valid JSON (\(error.location): \(error.message))")
        }
        guard let fields = root.member("fields")?.value.value.objectValue else {
            throw OptionError(option: "profile", "names \(path), which has no \"fields\" object of selectors")
        }
        var selectors: [String: String] = [:]
        for (field, value) in fields {
            guard let selector = value.stringValue else { throw OptionError(option: "profile", "\(path): field \"\(field)\" is not a selector string") }
            selectors[field] = selector
        }
        return selectors
    }

    /// Compiles one selector, reporting a bad one as an option error that names the field.
    package static func compile(field: String, selector: String) throws -> FieldSelector {
        let trimmed = selector.trimmingWhitespace()
        if trimmed.hasPrefix("xpath:") {
            let xpath = String(trimmed.dropFirst(6)).trimmingWhitespace()
            guard let compiled = xmlXPathCompile(xpath) else {
                throw OptionError(option: "fields", "has an invalid XPath for \"\(field)\": \(xpath)")
            }
            xmlXPathFreeCompExpr(compiled)
            return FieldSelector(field: field, xpath: xpath, attribute: nil)
        }
        var css = trimmed
        var attribute: String?
        if css.hasSuffix("::text") {
            css.removeLast(6)
        } else if let range = css.range(of: "::attr("), css.hasSuffix(")") {
            attribute = String(css[range.upperBound..<css.index(before: css.endIndex)]).trimmingWhitespace()
            css = String(css[..<range.lowerBound])
        }
        do {
            return FieldSelector(field: field, xpath: try CSSSelector(css).xpath, attribute: attribute)
        } catch {
            throw OptionError(option: "fields", "has a bad selector for \"\(field)\": \(error.description)")
        }
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        guard let document = record.document else { throw SelectExtractorError.noDocument(url: record.url) }
        let found = try HTMLParsing.withDocument(document.text, url: record.url) { Self.select(selectors, in: $0) } ?? [:]
        var record = record
        let host = URL(string: record.text("canonicalUrl") ?? record.response?.finalURL ?? record.url)?.host
        let dates = ArticleDate(timeZone: timeZone ?? PlaceTimeZone.guess(host: host, language: record.text("language")))
        for (field, texts) in found {
            if let value = Self.value(field: field, texts: texts, isList: lists.contains(field), dates: dates) {
                record.fields[field] = value
            }
        }
        return record
    }

    /// Every selector's matched texts, by field (also used by site profiles in the `html` cleaner).
    package static func select(_ selectors: [FieldSelector], in document: htmlDocPtr) -> [String: [String]] {
        guard let context = xmlXPathNewContext(document) else { return [:] }
        defer { xmlXPathFreeContext(context) }
        var found: [String: [String]] = [:]
        for selector in selectors {
            guard let result = xmlXPathEvalExpression(selector.xpath, context) else { continue }
            defer { xmlXPathFreeObject(result) }
            var texts: [String] = []
            if let nodes = result.pointee.nodesetval, nodes.pointee.nodeNr > 0, let table = nodes.pointee.nodeTab {
                for index in 0..<Int(nodes.pointee.nodeNr) {
                    guard let node = table[index] else { continue }
                    let raw: UnsafeMutablePointer<xmlChar>?
                    if let attribute = selector.attribute {
                        raw = xmlGetProp(node, attribute)
                    } else {
                        raw = xmlNodeGetContent(node)
                    }
                    guard let raw else { continue }
                    let text = PageAnalysis.fold(String(cString: raw))
                    etl_xml_free(raw)
                    if !text.isEmpty { texts.append(text) }
                }
            } else if let string = result.pointee.stringval {
                // An XPath that computes a string (`string(//h1)`).
                let text = PageAnalysis.fold(String(cString: string))
                if !text.isEmpty { texts.append(text) }
            }
            if !texts.isEmpty { found[selector.field] = texts }
        }
        return found
    }

    /// The field's value under the article conventions, or nil when nothing usable was found.
    package static func value(field: String, texts: [String], isList: Bool, dates: ArticleDate) -> JSONValue? {
        switch field {
        case "newsId":
            for text in texts {
                let digits = ArticleDate.asciiDigits(text).split { !($0.isASCII && $0.isNumber) }.max { $0.count < $1.count }
                if let digits, !digits.isEmpty { return .string(String(digits)) }
            }
            return nil
        case "published", "modified":
            return texts.lazy.compactMap(dates.normalize).first.map(JSONValue.string)
        default:
            if isList {
                var seen: Set<String> = []
                return .array(texts.filter { seen.insert($0).inserted }.map(JSONValue.string))
            }
            return texts.first.map(JSONValue.string)
        }
    }
}

import ETLKit
import ETLText

/// The article facts in a page's JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, … also inside
/// `@graph`), first value of each kind found.
package struct JSONLDArticle {
    package var headline: String?
    package var description: String?
    package var datePublished: String?
    package var dateModified: String?
    package var authors: [String] = []
    package var section: String?
    package var keywords: [String] = []
    package var publisher: String?
    package var images: [String] = []
    /// The article's whole text (`articleBody`), which pages that draw their text with script
    /// often carry here alone.
    package var body: String?

    private static let articleTypes: Set<String> = [
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "scholarlyarticle", "techarticle", "liveblogposting", "webpage", "report",
    ]

    package init(scripts: [String]) {
        for script in scripts {
            guard let root = try? JSONNodeParser.parse(script) else { continue }
            visit(root.value)
        }
    }

    private mutating func visit(_ value: JSONValue) {
        switch value {
        case .array(let values):
            values.forEach { visit($0) }
        case .object(let object):
            let types = Self.types(of: object)
            if types.contains(where: Self.articleTypes.contains) { take(object, isPage: types == ["webpage"]) }
            if let graph = object["@graph"] { visit(graph) }
            if let main = object["mainEntity"] { visit(main) }
        default:
            break
        }
    }

    /// Fills what is still missing from an article object; a plain `WebPage` only fills dates.
    private mutating func take(_ object: [String: JSONValue], isPage: Bool) {
        datePublished = datePublished ?? object["datePublished"]?.stringValue
        dateModified = dateModified ?? object["dateModified"]?.stringValue
        guard !isPage else { return }
        headline = headline ?? (object["headline"] ?? object["name"])?.stringValue
        description = description ?? object["description"]?.stringValue
        section = section ?? (object["articleSection"]?.stringValue ?? object["articleSection"]?.arrayValue?.first?.stringValue)
        if authors.isEmpty { authors = Self.names(object["author"] ?? object["creator"]) }
        if keywords.isEmpty {
            switch object["keywords"] {
            case .string(let text)?: keywords = text.listItems
            case .array(let list)?: keywords = list.compactMap(\.stringValue)
            default: break
            }
        }
        publisher = publisher ?? Self.names(object["publisher"]).first
        if images.isEmpty { images = Self.urls(object["image"]) }
        body = body ?? object["articleBody"]?.stringValue
    }

    /// An object's `@type`s, lower-cased (one string or a list).
    package static func types(of object: [String: JSONValue]) -> [String] {
        switch object["@type"] {
        case .string(let type)?: return [type.lowercased()]
        case .array(let list)?: return list.compactMap { $0.stringValue?.lowercased() }
        default: return []
        }
    }

    /// The names of a person or organisation value: a string, an object's `name`, or a list of them.
    package static func names(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let name)?: return [name]
        case .object(let object)?: return object["name"]?.stringValue.map { [$0] } ?? []
        case .array(let list)?: return list.flatMap { names($0) }
        default: return []
        }
    }

    private static func urls(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let url)?: return [url]
        case .object(let object)?: return (object["url"] ?? object["contentUrl"])?.stringValue.map { [$0] } ?? []
        case .array(let list)?: return list.flatMap { urls($0) }
        default: return []
        }
    }
}

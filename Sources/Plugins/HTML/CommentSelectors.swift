import CLibXML2
import ETLKit
import ETLText
import Foundation
import Glibc

/// Where a site profile's family puts readers' comments: each comment's element, and below it the
/// author, the date and the text, as CSS selectors (`"comments": {"item": ".comments-list li",
/// "author": ".author", "published": ".date", "text": ".comment-body"}` in the profile's file).
/// A forum family's `posts` use the same form (``ThreadPosts``), and may name an attribute of the
/// item that holds the author (`"authorAttribute": "data-author"`). A date element's `datetime`, or
/// its `data-time` (seconds since 1970), is read before its text.
package struct CommentSelectors: Sendable {
    /// XPath of the comments' elements, anywhere in the page.
    package var item: String
    /// XPaths below an item (`.//…`); nil when the profile does not name the part.
    package var author: String?
    package var published: String?
    package var text: String?
    /// An attribute of the item holding the author's name, read when `author` finds nothing.
    package var authorAttribute: String?

    /// Reads the profile's `comments` object; a bad selector is an error that names it.
    package init(_ object: [String: JSONValue]) throws(CSSSelector.SyntaxError) {
        guard let item = object["item"]?.stringValue else { throw CSSSelector.SyntaxError(selector: "", reason: "is missing: comments need an \"item\"") }
        self.item = try CSSSelector(item).xpath
        func part(_ key: String) throws(CSSSelector.SyntaxError) -> String? {
            guard let selector = object[key]?.stringValue else { return nil }
            return try CSSSelector(selector, relative: true).xpath
        }
        author = try part("author")
        published = try part("published")
        text = try part("text")
        authorAttribute = object["authorAttribute"]?.stringValue
    }

    /// The comments the selectors find, each with its element; those without text are left out.
    package func comments(in document: htmlDocPtr) -> [(node: xmlNodePtr, comment: PageComment)] {
        guard let context = xmlXPathNewContext(document) else { return [] }
        defer { xmlXPathFreeContext(context) }
        let items = Self.nodes(xmlXPathEvalExpression(item, context))
        var found: [(node: xmlNodePtr, comment: PageComment)] = []
        for node in items.prefix(CommentSection.maximumComments) {
            func first(_ xpath: String?) -> String? {
                guard let xpath else { return nil }
                return Self.nodes(xmlXPathNodeEval(node, xpath, context)).lazy.map(Self.text).first { !$0.isEmpty }
            }
            // The text part keeps its paragraphs apart (README: separated by blank lines).
            let paragraphs = text.flatMap { xpath in
                Self.nodes(xmlXPathNodeEval(node, xpath, context)).lazy.map(CommentReader.paragraphs).first { !$0.isEmpty }
            }
            guard let text = paragraphs ?? Optional(Self.text(node)), !text.isEmpty else { continue }
            let published = published.flatMap { Self.nodes(xmlXPathNodeEval(node, $0, context)).compactMap(Self.date).first }
            let author = first(author) ?? authorAttribute.flatMap { Self.attribute($0, of: node) }
            found.append((node, PageComment(author: author, published: published, text: text)))
        }
        return found
    }

    /// A date element's value: its `datetime`, else its `data-time` (Unix seconds) as ISO 8601 UTC,
    /// else its text; nil when empty.
    static func date(of node: xmlNodePtr) -> String? {
        if let value = attribute("datetime", of: node) { return value }
        if let value = attribute("data-time", of: node), let seconds = Int(value) {
            var time = time_t(seconds)
            var parts = tm()
            guard gmtime_r(&time, &parts) != nil else { return nil }
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
                Int(parts.tm_min), Int(parts.tm_sec))
        }
        // StackExchange's `<span class="relativetime" title="2024-03-10 09:00:00Z">`: the exact date.
        if let value = attribute("title", of: node), value.utf8.count >= 10, value.utf8.prefix(4).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            value.utf8.dropFirst(4).first == UInt8(ascii: "-")
        {
            return value
        }
        let text = Self.text(node)
        return text.isEmpty ? nil : text
    }

    /// An attribute's value, white space trimmed; nil when absent or empty.
    static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { etl_xml_free(value) }
        let text = String(cString: value).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// The nodes of an XPath result, freeing it.
    static func nodes(_ result: xmlXPathObjectPtr?) -> [xmlNodePtr] {
        guard let result else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { table[$0] }
    }

    /// A node's text, white space folded.
    static func text(_ node: xmlNodePtr) -> String {
        guard let raw = xmlNodeGetContent(node) else { return "" }
        defer { etl_xml_free(raw) }
        return PageAnalysis.fold(String(cString: raw))
    }
}

import CLibXML2
import ETLKit
import ETLText

/// Where a site profile's family puts readers' comments: each comment's element, and below it the
/// author, the date and the text, as CSS selectors (`"comments": {"item": ".comments-list li",
/// "author": ".author", "published": ".date", "text": ".comment-body"}` in the profile's file).
package struct CommentSelectors: Sendable {
    /// XPath of the comments' elements, anywhere in the page.
    package var item: String
    /// XPaths below an item (`.//…`); nil when the profile does not name the part.
    package var author: String?
    package var published: String?
    package var text: String?

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
            found.append((node, PageComment(author: first(author), published: first(published), text: text)))
        }
        return found
    }

    /// The nodes of an XPath result, freeing it.
    private static func nodes(_ result: xmlXPathObjectPtr?) -> [xmlNodePtr] {
        guard let result else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else { return [] }
        return (0..<Int(set.pointee.nodeNr)).compactMap { table[$0] }
    }

    /// A node's text, white space folded.
    private static func text(_ node: xmlNodePtr) -> String {
        guard let raw = xmlNodeGetContent(node) else { return "" }
        defer { etl_xml_free(raw) }
        return PageAnalysis.fold(String(cString: raw))
    }
}

import CLibXML2
import ETLKit
import Foundation

/// The one way `etl` reads XML (feeds, sitemaps) with libxml2, and the small tree helpers both use.
package enum XMLParsing {
    /// Parses XML bytes and runs `body` with the root element; nil when there is no document or root.
    /// RECOVER: real feeds and sitemaps are often not well-formed. No NOENT: entities are not
    /// replaced; NONET: no DTD or entity is fetched. No HUGE either: unlike HTML, XML defines
    /// entities, and HUGE switches off libxml2's check that stops an entity expansion out of
    /// proportion to the document (with HUGE, a 1 KB "billion laughs" sitemap grew to 12 GB in
    /// under a second here; without it libxml2 stops at the loop).
    /// A text node over 10,000,000 bytes then halts the parse (reported, not cut): feeds and
    /// sitemaps hold none that long.
    ///
    /// - Throws: ``ParseHalt`` when libxml2 stopped before the end (an entity loop or bomb, a limit):
    ///   the document is refused rather than read in part.
    package static func withRoot<Result>(_ bytes: [UInt8], url: String, _ body: (xmlNodePtr) -> Result) throws(ParseHalt) -> Result? {
        let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        guard let context = xmlNewParserCtxt() else { throw ParseHalt(url: url, line: 0, message: "no memory for a parser") }
        defer { xmlFreeParserCtxt(context) }
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlCtxtReadMemory(context, $0, Int32(clamping: buffer.count), url, nil, options)
                }
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        if let halt = ParseHalt(context: context, url: url) { throw halt }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return body(root)
    }

    /// The element children of a node, in order.
    package static func elements(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// An element's local name (without its namespace prefix).
    package static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// An element's text, trimmed; nil when empty.
    package static func text(of node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { etl_xml_free(content) }
        let text = String(cString: content).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// An attribute's value, trimmed.
    package static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { etl_xml_free(value) }
        return String(cString: value).trimmingWhitespace()
    }
}

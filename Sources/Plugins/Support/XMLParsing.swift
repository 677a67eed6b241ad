import CLibXML2
import ETLKit
import Foundation

/// The one way `etl` reads XML (feeds, sitemaps) with libxml2, and the small tree helpers both use.
enum XMLParsing {
    /// Parses XML bytes and runs `body` with the root element; nil when there is no document or root.
    /// RECOVER: real feeds and sitemaps are often not well-formed. No NOENT: entities are not
    /// expanded, so an entity bomb cannot grow; NONET: no DTD is fetched.
    static func withRoot<Result>(_ bytes: [UInt8], url: String, _ body: (xmlNodePtr) throws -> Result) rethrows -> Result? {
        let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(clamping: buffer.count), url, nil, options)
                }
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return try body(root)
    }

    /// The element children of a node, in order.
    static func elements(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    /// An element's local name (without its namespace prefix).
    static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// An element's text, trimmed; nil when empty.
    static func text(of node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { etl_xml_free(content) }
        let text = String(cString: content).trimmingWhitespace()
        return text.isEmpty ? nil : text
    }

    /// An attribute's value, trimmed.
    static func attribute(_ name: String, of node: xmlNodePtr) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { etl_xml_free(value) }
        return String(cString: value).trimmingWhitespace()
    }
}

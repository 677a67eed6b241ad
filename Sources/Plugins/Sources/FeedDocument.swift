import CLibXML2
import Foundation

/// The items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, read with libxml2's XML parser.
struct FeedDocument {
    /// One feed item: its link and what the feed says of it.
    struct Item: Sendable, Equatable {
        var link: String
        var title: String?
        /// The date as the feed writes it (RFC 822 in RSS, ISO 8601 in Atom).
        var date: String?
    }

    var items: [Item] = []

    /// Parses feed bytes; nil when they are not XML with a root element.
    init?(bytes: [UInt8], url: String) {
        // RECOVER: real feeds are often not well-formed. No NOENT: entities are not expanded, so an
        // entity bomb cannot grow; NONET: no DTD is fetched.
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
        collect(root)
    }

    private mutating func collect(_ node: xmlNodePtr) {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let name = Self.name(current)
                if name == "item" || name == "entry" {
                    if let item = Self.item(current) { items.append(item) }
                } else {
                    collect(current)
                }
            }
            child = current.pointee.next
        }
    }

    private static func item(_ node: xmlNodePtr) -> Item? {
        var link: String?, alternate: String?, guid: String?, title: String?, date: String?
        var child = node.pointee.children
        while let current = child {
            defer { child = current.pointee.next }
            guard current.pointee.type == XML_ELEMENT_NODE else { continue }
            switch name(current) {
            case "link":
                if let href = attribute(current, "href") {
                    // Atom: the alternate link (rel missing or "alternate") is the page.
                    let rel = attribute(current, "rel") ?? "alternate"
                    if rel == "alternate" { alternate = alternate ?? href }
                } else {
                    link = link ?? text(current)
                }
            case "guid", "id":
                guid = guid ?? text(current)
            case "title":
                title = title ?? text(current)
            case "pubDate", "published", "date", "issued":
                date = date ?? text(current)
            case "updated", "modified":
                date = date ?? text(current)
            default:
                break
            }
        }
        let candidates = [alternate, link, guid].compactMap { $0 }.filter { $0.hasPrefix("http://") || $0.hasPrefix("https://") }
        guard let page = candidates.first else { return nil }
        return Item(link: page, title: title.flatMap { $0.isEmpty ? nil : $0 }, date: date)
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetProp(node, name) else { return nil }
        defer { etl_xml_free(value) }
        return String(cString: value).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func text(_ node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { etl_xml_free(content) }
        return String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

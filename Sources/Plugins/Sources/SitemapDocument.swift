import CLibXML2
import Foundation

/// The entries of a sitemap (`urlset`) or a sitemap index (`sitemapindex`), with Google News
/// (`news:publication_date`, `news:title`) and `lastmod` dates, read with libxml2's XML parser.
struct SitemapDocument {
    /// A page the sitemap lists.
    struct Page: Sendable, Equatable {
        var url: String
        var lastModified: String?
        var published: String?
        var title: String?
    }

    /// A sitemap an index lists.
    struct Child: Sendable, Equatable {
        var url: String
        var lastModified: String?
    }

    var pages: [Page] = []
    var children: [Child] = []

    /// Parses sitemap bytes (already decompressed); nil when they are not XML.
    init?(bytes: [UInt8], url: String) {
        // RECOVER for sloppy sitemaps; no NOENT (entities are not expanded), NONET (no DTD fetched).
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
        for entry in Self.elements(root) {
            switch Self.name(entry) {
            case "url":
                var page = Page(url: "")
                for field in Self.elements(entry) {
                    switch Self.name(field) {
                    case "loc": page.url = Self.text(field) ?? ""
                    case "lastmod": page.lastModified = Self.text(field)
                    case "news":
                        for part in Self.elements(field) {
                            switch Self.name(part) {
                            case "publication_date": page.published = Self.text(part)
                            case "title": page.title = Self.text(part)
                            default: break
                            }
                        }
                    default: break
                    }
                }
                if !page.url.isEmpty { pages.append(page) }
            case "sitemap":
                var child = Child(url: "")
                for field in Self.elements(entry) {
                    switch Self.name(field) {
                    case "loc": child.url = Self.text(field) ?? ""
                    case "lastmod": child.lastModified = Self.text(field)
                    default: break
                    }
                }
                if !child.url.isEmpty { children.append(child) }
            default:
                break
            }
        }
    }

    private static func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func text(_ node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { etl_xml_free(content) }
        let text = String(cString: content).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

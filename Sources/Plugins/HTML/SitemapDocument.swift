import CLibXML2
import ETLKit

/// The entries of a sitemap (`urlset`) or a sitemap index (`sitemapindex`), with Google News
/// (`news:publication_date`, `news:title`) and `lastmod` dates.
package struct SitemapDocument {
    /// A page the sitemap lists.
    package struct Page: Sendable, Equatable {
        package var url: String
        package var lastModified: String?
        package var published: String?
        package var title: String?
    }

    /// A sitemap an index lists.
    package struct Child: Sendable, Equatable {
        package var url: String
        package var lastModified: String?
    }

    package var pages: [Page] = []
    package var children: [Child] = []

    /// Parses sitemap bytes (already decompressed); nil when they are not XML.
    /// - Throws: ``ParseHalt`` when libxml2 stopped before the end (an entity bomb, a limit).
    package init?(bytes: [UInt8], url: String) throws(ParseHalt) {
        guard let entries = try XMLParsing.withRoot(bytes, url: url, { XMLParsing.elements(of: $0).map(Self.entry) }) else { return nil }
        for entry in entries {
            switch entry {
            case .page(let page) where !page.url.isEmpty: pages.append(page)
            case .child(let child) where !child.url.isEmpty: children.append(child)
            default: break
            }
        }
    }

    private enum Entry {
        case page(Page)
        case child(Child)
        case other
    }

    private static func entry(_ node: xmlNodePtr) -> Entry {
        let isPage = XMLParsing.name(of: node) == "url"
        guard isPage || XMLParsing.name(of: node) == "sitemap" else { return .other }
        var url = ""
        var lastModified: String?
        var published: String?
        var title: String?
        for field in XMLParsing.elements(of: node) {
            switch XMLParsing.name(of: field) {
            case "loc": url = XMLParsing.text(of: field) ?? ""
            case "lastmod": lastModified = XMLParsing.text(of: field)
            case "news":
                for part in XMLParsing.elements(of: field) {
                    switch XMLParsing.name(of: part) {
                    case "publication_date": published = XMLParsing.text(of: part)
                    case "title": title = XMLParsing.text(of: part)
                    default: break
                    }
                }
            default: break
            }
        }
        return isPage
            ? .page(Page(url: url, lastModified: lastModified, published: published, title: title))
            : .child(Child(url: url, lastModified: lastModified))
    }
}

import CLibXML2
import ETLKit

/// The items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, read with libxml2's XML parser.
package struct FeedDocument {
    /// One feed item: its link and what the feed says of it.
    package struct Item: Sendable, Equatable {
        package var link: String
        package var title: String?
        /// The date as the feed writes it (RFC 822 in RSS, ISO 8601 in Atom).
        package var date: String?
    }

    package var items: [Item] = []

    /// Parses feed bytes; nil when they are not XML with a root element.
    /// - Throws: ``ParseHalt`` when libxml2 stopped before the end (an entity bomb, a limit).
    package init?(bytes: [UInt8], url: String) throws(ParseHalt) {
        guard
            let found = try XMLParsing.withRoot(
                bytes, url: url,
                { root -> [Item] in
                    var found: [Item] = []
                    Self.collect(root, into: &found)
                    return found
                })
        else { return nil }
        items = found
    }

    private static func collect(_ node: xmlNodePtr, into items: inout [Item]) {
        for element in XMLParsing.elements(of: node) {
            let name = XMLParsing.name(of: element)
            if name == "item" || name == "entry" {
                if let item = item(element) { items.append(item) }
            } else {
                collect(element, into: &items)
            }
        }
    }

    private static func item(_ node: xmlNodePtr) -> Item? {
        var link: String?
        var alternate: String?
        var guid: String?
        var title: String?
        var date: String?
        for element in XMLParsing.elements(of: node) {
            switch XMLParsing.name(of: element) {
            case "link":
                if let href = XMLParsing.attribute("href", of: element) {
                    // Atom: the alternate link (rel missing or "alternate") is the page.
                    let rel = XMLParsing.attribute("rel", of: element) ?? "alternate"
                    if rel == "alternate" { alternate = alternate ?? href }
                } else {
                    link = link ?? XMLParsing.text(of: element)
                }
            case "guid", "id":
                guid = guid ?? XMLParsing.text(of: element)
            case "title":
                title = title ?? XMLParsing.text(of: element)
            case "pubDate", "published", "date", "issued", "updated", "modified":
                date = date ?? XMLParsing.text(of: element)
            default:
                break
            }
        }
        // The link as the feed writes it, whatever its scheme: the source decides what may be read
        // (``UntrustedScheme``). A guid is a link only when it is an http(s) URL (it is often a
        // plain identifier).
        let permalink = guid.flatMap { UntrustedScheme.isWeb($0) ? $0 : nil }
        guard let page = [alternate, link, permalink].compactMap({ $0 }).first(where: { !$0.isEmpty }) else { return nil }
        return Item(link: page, title: title, date: date)
    }
}

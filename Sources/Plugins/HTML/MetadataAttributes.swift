import CLibXML2
import ETLKit

/// The attribute values that ``PageAnalysis`` reads as page metadata from the few elements that
/// carry them (`<meta>`, `<link>`, `<html>`, `<script>`, `<time>`), in a second pass over those
/// elements' attributes rather than in ``Attributes``, which every element makes.
package struct MetadataAttributes {
    /// The first of `name`, `property`, `itemprop` and `http-equiv` of a `<meta>`, and its `content`.
    package var metaName: String?
    package var content: String?
    /// A `<link>`'s `rel` and `href`.
    package var rel: String?
    package var href: String?
    /// `<html lang>` (or `xml:lang`).
    package var lang: String?
    /// A `<script>`'s `type`.
    package var type: String?
    /// A `<time>`'s `datetime`.
    package var datetime: String?

    package init(node: xmlNodePtr, tag: HTMLTag) {
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name else { continue }
            let value = current.pointee.children?.pointee.content
            func string() -> String? { value.map { String(cString: $0) } }
            func named(_ expected: StaticString) -> Bool { Attributes.name(name, is: expected) }
            switch tag {
            case .meta:
                if named("name") || named("property") || named("itemprop") || named("http-equiv") {
                    metaName = metaName ?? string()
                } else if named("content") {
                    content = string()
                }
            case .link:
                if named("rel") { rel = string() } else if named("href") { href = string() }
            case .html:
                if named("lang") || named("xml:lang") { lang = string() }
            case .script:
                if named("type") { type = string() }
            case .time:
                if named("datetime") { datetime = string() }
            default:
                break
            }
        }
    }
}

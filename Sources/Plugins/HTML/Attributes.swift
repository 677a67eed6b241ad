import CLibXML2
import ETLKit
import ETLText
import Glibc

/// The attributes of one element that the walk reads for every element, gathered in one pass over
/// libxml2's attribute list (no allocation for attributes it does not need).
///
/// Two fields only: the walk makes one for each of a page's thousands of elements, and with the
/// seven strings that a few tags carry (now ``MetadataAttributes``) copying and destroying it cost
/// more than reading the names.
package struct Attributes {
    /// `class` and `id` values, ASCII-lower-cased bytes joined by a space; empty when neither is set.
    package var names: [UInt8] = []
    package var isHidden = false

    package init(node: xmlNodePtr) {
        // Set when a class or id token starts with a hyphenated word (`category-…`, `tag-…`, `js-…`):
        // only then are taxonomy and script-hook tokens looked for.
        var mayNameTaxonomy = false
        var attribute = node.pointee.properties
        while let current = attribute {
            defer { attribute = current.pointee.next }
            guard let name = current.pointee.name else { continue }
            let value = current.pointee.children?.pointee.content
            // By the first letter, then the whole name: elements carry many attributes (`data-…`,
            // `href`, `srcset`) that are none of these, and each was compared with all five names.
            switch name[0] | 0x20 {
            case UInt8(ascii: "c"), UInt8(ascii: "i"):
                guard Self.name(name, is: "class") || Self.name(name, is: "id"), let value, value[0] != 0 else { continue }
                if !names.isEmpty { names.append(0x20) }
                // Copied whole, then lower-cased in place: appending byte by byte checked the
                // array's capacity at every byte.
                let count = strlen(UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))
                let start = names.count
                names.append(contentsOf: UnsafeBufferPointer(start: value, count: count))
                names.withUnsafeMutableBufferPointer { buffer in
                    for index in start..<buffer.count {
                        let byte = buffer[index]
                        if byte &- 0x41 < 26 { buffer[index] = byte | 0x20 }
                        // "ca", "ta", "po", "no", "js" at a token's start: possibly category-, tag-, post_tag-, node-promoted, js-.
                        if !mayNameTaxonomy && (index == start || buffer[index - 1] == 0x20) && index + 1 < buffer.count {
                            let pair = (byte | 0x20, buffer[index + 1] | 0x20)
                            mayNameTaxonomy =
                                pair == (0x63, 0x61) || pair == (0x74, 0x61) || pair == (0x70, 0x6F) || pair == (0x6E, 0x6F) || pair == (0x6A, 0x73)
                        }
                    }
                }
            case UInt8(ascii: "h"):
                if Self.name(name, is: "hidden") { isHidden = true }
            case UInt8(ascii: "a"):
                if Self.name(name, is: "aria-hidden"), let value { isHidden = isHidden || String(cString: value).lowercased() == "true" }
            case UInt8(ascii: "s"):
                guard Self.name(name, is: "style"), let value else { continue }
                var style: [UInt8] = []
                var index = 0
                while value[index] != 0 {
                    let byte = value[index]
                    if byte != 0x20 { style.append((byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte) }
                    index += 1
                }
                isHidden = isHidden || ByteSearch.contains(style, Self.displayNone) || ByteSearch.contains(style, Self.visibilityHidden)
            default:
                continue
            }
        }
        if mayNameTaxonomy { names = Self.withoutTaxonomy(names) }
    }

    /// Class tokens that name a post's categories and tags (WordPress writes `category-popular-posts`
    /// and `tag-comments` on the article element, Drupal `node-promoted`): the words after the prefix
    /// are the site's taxonomy, not what the element is. So are the hooks for scripts (`js-…`, a
    /// convention that keeps them apart from the names that style and describe): the article's text
    /// is `article-text js-dynamic-advertorial` where a script puts advertorials into it.
    private static let taxonomyPrefixes = ["category-", "tag-", "tags-", "post_tag-", "node-promoted", "js-"].map { Array($0.utf8) }

    /// `names` without its taxonomy and script-hook tokens (see ``taxonomyPrefixes``).
    package static func withoutTaxonomy(_ names: [UInt8]) -> [UInt8] {
        // One pass over the token starts, on indices (most names have none of these prefixes).
        func prefix(at start: Int) -> Bool {
            // "ca"tegory-, "ta"g-, "po"st_tag-, "no"de-promoted, "js"-: two bytes reject almost every token.
            guard start + 4 <= names.count else { return false }
            let (first, second) = (names[start], names[start + 1])
            guard
                (first == 0x63 && second == 0x61) || (first == 0x74 && second == 0x61) || (first == 0x70 && second == 0x6F)
                    || (first == 0x6E && second == 0x6F) || (first == 0x6A && second == 0x73)
            else { return false }
            return taxonomyPrefixes.contains { prefix in
                guard start + prefix.count <= names.count else { return false }
                for offset in 0..<prefix.count where names[start + offset] != prefix[offset] { return false }
                return true
            }
        }
        var found = prefix(at: 0)
        var index = 0
        while !found && index < names.count {
            if names[index] == 0x20 && index + 1 < names.count { found = prefix(at: index + 1) }
            index += 1
        }
        guard found else { return names }
        var kept: [UInt8] = []
        kept.reserveCapacity(names.count)
        for token in names.split(separator: 0x20) where !taxonomyPrefixes.contains(where: { token.starts(with: $0) }) {
            if !kept.isEmpty { kept.append(0x20) }
            kept.append(contentsOf: token)
        }
        return kept
    }

    private static let displayNone = Array("display:none".utf8)
    private static let visibilityHidden = Array("visibility:hidden".utf8)

    /// Case-insensitive comparison of a NUL-terminated libxml2 name with an ASCII name.
    package static func name(_ pointer: UnsafePointer<UInt8>, is expected: StaticString) -> Bool {
        let count = expected.utf8CodeUnitCount
        let bytes = expected.utf8Start
        for index in 0..<count {
            var byte = pointer[index]
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != bytes[index] { return false }
        }
        return pointer[count] == 0
    }
}

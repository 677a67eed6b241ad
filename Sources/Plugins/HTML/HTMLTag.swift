import ETLKit

/// The HTML elements the cleaner treats specially, looked up from libxml2's tag name bytes without
/// making a `String` per element (the walk visits thousands of elements per page).
package enum HTMLTag: UInt8 {
    case other
    // Structure
    case html, head, body, title, meta, link, base
    // Removed with their content
    case script, style, noscript, template, svg, math, iframe, object, embed, canvas, video, audio
    case form, button, select, textarea, input, label, option, nav, aside, footer, header, menu, dialog
    case figure, figcaption, picture, img, map, area
    // Blocks
    case p, div, section, article, main, h1, h2, h3, h4, h5, h6, li, ul, ol, dl, dt, dd
    case blockquote, pre, table, thead, tbody, tfoot, tr, td, th, caption, hr, br, address, center
    // Inline of note
    case a, time, span, code

    /// Elements whose subtree never holds article text (or holds only chrome around it).
    package var isRemovedWithContent: Bool {
        switch self {
        case .script, .style, .template, .svg, .math, .iframe, .object, .embed, .canvas, .video, .audio,
            .button, .select, .textarea, .input, .label, .option, .dialog,
            .figure, .figcaption, .picture, .map, .head, .title:
            return true
        default:
            return isPageRegion
        }
    }

    /// Elements whose subtree the walk skips without reading anything of them: like a `<script>`,
    /// never text, but unlike it never metadata either (``PageAnalysis`` reads JSON-LD from scripts).
    package var isSkippedUnread: Bool {
        switch self {
        case .style, .template, .svg, .math, .iframe, .object, .embed, .canvas, .select, .textarea, .option: return true
        default: return false
        }
    }

    /// The page's own regions around the article: header, footer, navigation, asides. Removed with
    /// their content like the others, but only once the walk has shown that they are small: an
    /// unclosed tag makes libxml2 nest the rest of a page inside a `<header>` or a `<nav>`, and such
    /// a region then holds the article (see ``PageAnalysis``).
    package var isPageRegion: Bool {
        switch self {
        case .nav, .aside, .footer, .header, .menu: return true
        default: return false
        }
    }

    /// Whole pages sit inside one `<form>` on ASP.NET sites, so a form is not removed: its text
    /// counts as chrome (a weak negative hint) when it sits inside the chosen content.
    package var impliedHint: ClassHint {
        self == .form ? .weakNegative : .none
    }

    /// Elements that start and end a text block.
    package var isBlock: Bool {
        switch self {
        case .p, .div, .section, .article, .main, .h1, .h2, .h3, .h4, .h5, .h6, .li, .ul, .ol, .dl, .dt, .dd,
            .blockquote, .pre, .table, .thead, .tbody, .tfoot, .tr, .td, .th, .caption, .hr, .br, .address, .center, .body, .html:
            return true
        default:
            return false
        }
    }

    /// The kind of content block text directly inside this element makes.
    package var blockKind: ContentBlock.Kind {
        switch self {
        case .h1, .h2, .h3, .h4, .h5, .h6: return .heading
        case .li, .dt, .dd: return .listItem
        case .blockquote: return .quote
        // Table cells are paragraphs until the walk has seen a data table (see PageAnalysis.groupDataTables).
        case .tr, .td, .th, .table, .thead, .tbody, .tfoot: return .paragraph
        case .caption, .figcaption: return .caption
        case .pre: return .preformatted
        default: return .paragraph
        }
    }

    /// A heading's level: 1 for `<h1>` to 6 for `<h6>`, nil for other elements.
    package var headingLevel: Int? {
        switch self {
        case .h1: return 1
        case .h2: return 2
        case .h3: return 3
        case .h4: return 4
        case .h5: return 5
        case .h6: return 6
        default: return nil
        }
    }

    /// The tags by ``key(_:)``, in an open-addressing table of 128 slots (a key of 0 marks an empty
    /// one) hashed by one multiplication: a `Dictionary` hashed every element's name with SipHash,
    /// about 0.6% of a page's cleaning.
    private static let lookup: (keys: [UInt64], tags: [HTMLTag]) = {
        let names: [(String, HTMLTag)] = [
            ("html", .html), ("head", .head), ("body", .body), ("title", .title), ("meta", .meta), ("link", .link), ("base", .base),
            ("script", .script), ("style", .style), ("noscript", .noscript), ("template", .template), ("svg", .svg), ("math", .math),
            ("iframe", .iframe), ("object", .object), ("embed", .embed), ("canvas", .canvas), ("video", .video), ("audio", .audio),
            ("form", .form), ("button", .button), ("select", .select), ("textarea", .textarea), ("input", .input), ("label", .label),
            ("option", .option), ("nav", .nav), ("aside", .aside), ("footer", .footer), ("header", .header), ("menu", .menu),
            ("dialog", .dialog), ("figure", .figure), ("figcapti", .figcaption), ("picture", .picture), ("img", .img), ("map", .map),
            ("area", .area), ("p", .p), ("div", .div), ("section", .section), ("article", .article), ("main", .main),
            ("h1", .h1), ("h2", .h2), ("h3", .h3), ("h4", .h4), ("h5", .h5), ("h6", .h6), ("li", .li), ("ul", .ul), ("ol", .ol),
            ("dl", .dl), ("dt", .dt), ("dd", .dd), ("blockquo", .blockquote), ("pre", .pre), ("table", .table), ("thead", .thead),
            ("tbody", .tbody), ("tfoot", .tfoot), ("tr", .tr), ("td", .td), ("th", .th), ("caption", .caption), ("hr", .hr),
            ("br", .br), ("address", .address), ("center", .center), ("a", .a), ("time", .time), ("span", .span), ("code", .code),
        ]
        var keys = [UInt64](repeating: 0, count: slotCount)
        var tags = [HTMLTag](repeating: .other, count: slotCount)
        for (name, tag) in names {
            let packed = key(Array(name.utf8)[...])
            var slot = HTMLTag.slot(of: packed)
            while keys[slot] != 0 { slot = (slot + 1) & (slotCount - 1) }
            keys[slot] = packed
            tags[slot] = tag
        }
        return (keys, tags)
    }()

    /// A power of two, about twice the number of tags.
    private static let slotCount = 128

    /// The first slot to look at for `key`: the top 7 bits of a Fibonacci hash.
    private static func slot(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 57)
    }

    /// Packs up to 8 lower-cased bytes of a name into an integer key. "figcaption" and "blockquote"
    /// are told apart from other names by their first 8 bytes, which no other HTML element shares.
    private static func key(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var key: UInt64 = 0
        for byte in bytes.prefix(8) {
            let lower = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            key = key << 8 | UInt64(lower)
        }
        return key
    }

    /// The tag for a NUL-terminated libxml2 name.
    package init(name: UnsafePointer<UInt8>?) {
        guard let name else {
            self = .other
            return
        }
        var key: UInt64 = 0
        var index = 0
        while index < 8 {
            let byte = name[index]
            if byte == 0 { break }
            let lower = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            key = key << 8 | UInt64(lower)
            index += 1
        }
        let lookup = HTMLTag.lookup
        var slot = HTMLTag.slot(of: key)
        while true {
            let found = lookup.keys[slot]
            if found == key {
                self = lookup.tags[slot]
                return
            }
            if found == 0 {
                self = .other
                return
            }
            slot = (slot + 1) & (HTMLTag.slotCount - 1)
        }
    }
}

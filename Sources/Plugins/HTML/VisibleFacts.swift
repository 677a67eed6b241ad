import ETLKit
import ETLText

/// Facts news pages print as labelled lines rather than in meta tags: «کد خبر: ۶۹۱۹۱۱۹»,
/// «تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱», "News ID: 12345". The labels are those of news templates in
/// several languages, not of particular sites.
package enum VisibleFacts {
    /// Labels that introduce a news id.
    package static let newsIdLabels = [
        "کد خبر", "کدخبر", "کد مطلب", "شناسه خبر", "شماره خبر", "شناسه", "رمز خبر",
        "رقم الخبر", "رمز الخبر", "news id", "news code", "article id", "story id",
    ]
    /// Labels that introduce a publication date (the cleaner drops a line that is only one of these
    /// and its value; ``VisibleDates`` reads the dates with a wider list).
    package static let dateLabels = [
        "تاریخ انتشار", "انتشار", "تاریخ خبر", "تاریخ", "زمان انتشار", "تاريخ النشر", "published", "date",
        "veröffentlicht am", "veröffentlicht", "erstellt am", "datum", "publié le", "date de publication",
        "publicado el", "publicado", "fecha de publicación", "opublikowano", "data publikacji",
    ]

    private static let newsIdLabelPatterns = BytePatternSet(newsIdLabels)

    /// The news id of the first line that labels one, as ASCII digits.
    package static func newsId(in lines: [String]) -> String? {
        for (index, line) in lines.enumerated() {
            // Labels are matched as bytes: this runs over every short line of every page.
            guard newsIdLabelPatterns.matches(ignoringASCIICase: line) else { continue }
            let folded = ArticleDate.asciiDigits(line).lowercased()
            for label in newsIdLabels {
                guard let range = folded.range(of: label) else { continue }
                // The id follows the label on the same line («کد خبر: 123»), or is the next line
                // (a label and its value in two spans).
                var rest = folded[range.upperBound...].drop { $0 == ":" || $0 == "：" || $0 == " " || $0 == "-" || $0 == "#" }
                if rest.isEmpty, index + 1 < lines.count { rest = Substring(ArticleDate.asciiDigits(lines[index + 1])) }
                let digits = rest.prefix { $0.isASCII && $0.isNumber }
                if digits.count >= 3 { return String(digits) }
            }
        }
        return nil
    }

    /// Whether a short line is only a labelled fact: «کد خبر: ۶۹۱۹۱۱۹», «تاریخ انتشار: ۰۸:۲۸ - …»,
    /// "News ID: 123". Such lines sit inside article containers on many templates and are never
    /// article text.
    private static let factLabels = newsIdLabels + dateLabels

    package static func isLabelledFact(_ line: String) -> Bool {
        // Every block of the content is asked: the colon and length tests come first, on bytes.
        // ":" or the full-width "：" (EF BC 9A).
        guard line.utf8.count <= 320 else { return false }
        // One pass over the bytes: a colon, and at most 80 scalars (bytes that start one).
        var text = line
        let (hasColon, scalars) = text.withUTF8 { buffer in
            var hasColon = false
            var scalars = 0
            for byte in buffer {
                if byte == UInt8(ascii: ":") || byte == 0x9A { hasColon = true }
                if byte & 0xC0 != 0x80 { scalars += 1 }
            }
            return (hasColon, scalars)
        }
        guard hasColon, scalars <= 80 else { return false }
        var folded = ArticleDate.asciiDigits(line).lowercased()
        folded.unicodeScalars.removeAll { $0 == "\u{200C}" }
        for label in factLabels where folded.hasPrefix(label) {
            let rest = folded.dropFirst(label.count).drop { $0 == " " }
            if rest.first == ":" || rest.first == "：" { return true }
        }
        return false
    }

    /// The id in a meta tag named like one (`nastooh:code`, `article:id`, `news_id`), when it is all digits.
    package static func newsId(in meta: PageMetadata) -> String? {
        for tag in meta.metaTags {
            let name = tag.name
            guard
                name.hasSuffix(":code") || name.hasSuffix(":nid") || name.hasSuffix("newsid") || name.hasSuffix("news_id")
                    || name.hasSuffix("article:id") || name.hasSuffix("articleid")
            else { continue }
            let digits = ArticleDate.asciiDigits(tag.content)
            if digits.count >= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return digits }
        }
        return nil
    }

    /// The first all-digit path segment of at least five digits: `/fa/news/870239/slug` → 870239.
    package static func newsId(inURL url: String?) -> String? {
        // On the UTF-8 bytes: Foundation's `range(of:)` went through NSString (some 100,000
        // instructions a URL), and the standard library's search and split on characters still cost
        // more than the rest of the URL's handling.
        guard let url else { return nil }
        let bytes = Array(url.utf8)
        guard let colon = bytes.indices.first(where: { bytes[$0] == UInt8(ascii: ":") && bytes[$0...].starts(with: "://".utf8) }) else { return nil }
        let afterHost = bytes[(colon + 3)...].drop { $0 != UInt8(ascii: "/") }
        let path = afterHost.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        return segments.first { $0.count >= 5 && $0.count <= 20 && $0.allSatisfy { $0 &- 0x30 < 10 } }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The date of a page's short lines: a labelled publication line first, else the unlabelled
    /// line ``VisibleDates`` chooses; update lines and relative dates («۱ ساعت قبل») never.
    package static func published(in lines: [String], dates: ArticleDate) -> String? {
        let visible = VisibleDates(lines: lines, dates: dates)
        return visible.labelled ?? visible.unlabelled
    }

    /// The most specific section in a breadcrumb trail: the last crumb that is not the first (home)
    /// and not the title itself.
    package static func category(in breadcrumbs: [String], title: String?) -> String? {
        let crumbs = breadcrumbs.count > 1 ? Array(breadcrumbs.dropFirst()) : []
        return crumbs.last { $0 != title && $0.unicodeScalars.count <= 60 }
    }
}

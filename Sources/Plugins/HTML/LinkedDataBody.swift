import ETLKit
import ETLText

/// The article text a page carries in its JSON-LD `articleBody`, taken when the page shows almost
/// none of it.
///
/// Pattern: a page whose text its scripts draw (a single-page app's shell, a paywall that fills in
/// the article after load) shows a teaser, a byline or nothing, while its JSON-LD holds the whole
/// article. When the blocks the cleaner kept hold under a quarter of the characters of an
/// `articleBody` of some length, that text is the body, split at its line breaks. A short
/// `articleBody` (sites that put the first sentences there) never replaces a page's own text.
package enum LinkedDataBody {
    /// An `articleBody` shorter than this is a summary, not the article.
    package static let minimumCharacters = 500
    /// The kept text must be under this share of the `articleBody` for it to be taken.
    package static let shownShare = 0.25

    private static let marker = Array("articleBody".utf8)

    /// Replaces the kept blocks of `decisions` with the paragraphs of the page's `articleBody` when
    /// the page shows too little of it.
    package static func apply(to decisions: inout [BlockDecision], jsonLD: [String], explaining: Bool) {
        // Most pages have no articleBody: look for the name before parsing anything. Then bounds
        // that only shrink: the scripts' bytes bound the articleBody's characters, which bound its
        // paragraphs' (they only lose tags and white space). On a page that shows its article,
        // the shown text passes a bound and nothing is parsed or split.
        let bytesWithBody = jsonLD.reduce(0) { $0 + (ByteSearch.contains($1, marker) ? $1.utf8.count : 0) }
        guard bytesWithBody >= minimumCharacters else { return }
        let shown = decisions.reduce(0) { $0 + ($1.kept ? $1.block.text.unicodeScalars.count : 0) }
        guard Double(shown) < Double(bytesWithBody) * shownShare, let body = JSONLDArticle(scripts: jsonLD).body else { return }
        let bound = body.unicodeScalars.count
        guard bound >= minimumCharacters, Double(shown) < Double(bound) * shownShare else { return }
        let paragraphs = Self.paragraphs(of: body)
        let characters = paragraphs.reduce(0) { $0 + $1.unicodeScalars.count }
        guard characters >= minimumCharacters, Double(shown) < Double(characters) * shownShare else { return }
        let why = explaining ? "the page shows \(shown) characters of article text and its JSON-LD articleBody \(characters)" : ""
        for index in decisions.indices where decisions[index].kept {
            decisions[index].kept = false
            if explaining { decisions[index].reason = "replaced by the JSON-LD articleBody: \(why)" }
        }
        decisions += paragraphs.map {
            BlockDecision(
                block: ContentBlock(kind: .paragraph, text: $0), kept: true,
                reason: explaining ? "fell back to the JSON-LD articleBody: \(why)" : "")
        }
    }

    /// The text's paragraphs: its lines, without the tags some sites leave in (a `<` that opens
    /// no tag, as in "a < b", stays), white space collapsed.
    package static func paragraphs(of text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            var plain = ""
            var inTag = false
            var previous: Character?
            for character in line {
                defer { previous = character }
                if inTag {
                    if character == ">" {
                        inTag = false
                        plain.append(" ")
                    }
                    continue
                }
                if previous == "<", character.isLetter || character == "/" || character == "!" {
                    plain.removeLast()
                    inTag = true
                    continue
                }
                plain.append(character)
            }
            let words = plain.split(whereSeparator: \.isWhitespace)
            return words.isEmpty ? nil : words.joined(separator: " ")
        }
    }
}

import ETLKit

/// The short lines news agencies put at the end of an article («انتهای پیام», «پایان پیام/ 161»,
/// «نهاية الخبر»): not part of the article in any corpus. Matched only as a whole short block, so a
/// sentence that mentions such words is kept.
package enum EndMarker {
    /// Markers in the languages seen so far; each may be followed by a short code («/ز», «/ 161»).
    package static let phrases = ["انتهای پیام", "پایان پیام", "انتهای خبر", "پایان خبر", "نهاية الخبر", "انتهى", "-- end --", "###"]

    /// Whether a block's whole text is an end marker.
    package static func matches(_ text: String) -> Bool {
        // Every marker starts with an Arabic-script letter, "-", "#" or a direction mark (E2 …):
        // most blocks are done with at their first byte, before any String work.
        guard let first = text.utf8.first(where: { $0 != 0x20 }),
            (first >= 0xD8 && first <= 0xDB) || first == 0x2D || first == 0x23 || first == 0xE2
        else { return false }
        guard text.unicodeScalars.count <= 40 else { return false }
        var folded = text.lowercased()
        folded.unicodeScalars.removeAll { $0 == "\u{200C}" }
        for phrase in phrases where folded.hasPrefix(phrase) {
            // What follows must be a code: punctuation, digits, or one or two letters.
            let rest = folded.dropFirst(phrase.count).filter { !$0.isWhitespace && !$0.isPunctuation && !$0.isSymbol && !$0.isNumber }
            if rest.count <= 2 { return true }
        }
        return false
    }
}

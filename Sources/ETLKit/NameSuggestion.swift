/// "Did you mean …?" for unknown plugin ids and option names.
public enum NameSuggestion {
    /// The candidate closest to `name` by edit distance, if it is close enough to be a likely typo
    /// (at most a third of the name's length, and at least 1), or one that differs only in case.
    public static func nearest(to name: String, among candidates: [String]) -> String? {
        let lowered = name.lowercased()
        if let sameLetters = candidates.first(where: { $0.lowercased() == lowered }) { return sameLetters }
        let limit = max(1, (name.count + 2) / 3)
        let scored = candidates.map { (candidate: $0, distance: editDistance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= limit else {
            // A prefix is a likely abbreviation ("conc" for "concurrency").
            return candidates.first { $0.lowercased().hasPrefix(lowered) && lowered.count >= 3 }
        }
        return best.candidate
    }

    /// The Levenshtein distance between two strings, by characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The suffix for an error message: `; did you mean "path"?`, or nothing.
    public static func didYouMean(_ name: String, among candidates: [String]) -> String {
        nearest(to: name, among: candidates).map { "; did you mean \"\($0)\"?" } ?? ""
    }
}

extension StringProtocol {
    /// The items of a written list, separated by commas (Latin or Arabic) or semicolons, trimmed,
    /// empty ones left out: "a, b، c" → ["a", "b", "c"] (keywords, tags).
    package var listItems: [String] {
        split(whereSeparator: { $0 == "," || $0 == "،" || $0 == ";" })
            .map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

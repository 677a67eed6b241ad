/// The five kinds of plugin, in the order a record meets them.
public enum PluginKind: String, Sendable, CaseIterable, Comparable {
    /// Finds work: URL lists, local files, sitemaps, feeds, crawls.
    case source
    /// Turns a URL into a response and a decoded document.
    case fetcher
    /// Finds the main content of a document and drops boilerplate.
    case cleaner
    /// Extractors and transforms: fill, change, or filter a record's fields.
    case transform
    /// Writes records out.
    case sink

    public static func < (lhs: PluginKind, rhs: PluginKind) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

import ETLHTML

/// Entry points for the libFuzzer targets in `Fuzz/` (issue #10): each parses bytes exactly as a
/// plugin does, for parsers whose types stay internal. Not meant for anything but fuzzing and tests.
public enum FuzzingEntryPoints {
    /// Parses `bytes` as the `sitemap` source does (a `urlset` or a `sitemapindex`, already
    /// decompressed): every URL it lists, pages first, then child sitemaps; nil when not XML or when
    /// libxml2 stopped reading it (an entity bomb, a document cut short).
    public static func sitemapURLs(_ bytes: [UInt8], url: String = "https://example.com/sitemap.xml") -> [String]? {
        _ = BuiltinLibraries.initialized
        guard let document = try? SitemapDocument(bytes: bytes, url: url) else { return nil }
        return document.pages.map(\.url) + document.children.map(\.url)
    }

    /// Parses `bytes` as the `feed` source does (RSS 2.0, RSS 1.0 or Atom): the link of every item;
    /// nil when not XML or when libxml2 stopped reading it.
    public static func feedLinks(_ bytes: [UInt8], url: String = "https://example.com/feed.xml") -> [String]? {
        _ = BuiltinLibraries.initialized
        guard let document = try? FeedDocument(bytes: bytes, url: url) else { return nil }
        return document.items.map(\.link)
    }
}

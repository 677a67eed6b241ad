/// A URL that content fetched over the network named with a scheme other than http or https: a
/// `file:` URL, a bare path, an `ftp:` URL. Such a URL is never read (issue #10).
///
/// Only the user chooses where `etl` reads from. A URL written in the pipeline file (or on the
/// command line) may have any scheme a fetcher reads; so may a URL found in a local file, because a
/// local file is only read when the user named it, directly or through another local file (a
/// sitemap on disk listing pages on disk). A URL found in a document fetched over http(s) — a
/// sitemap's `<loc>`, a sitemap index's child, a robots.txt `Sitemap:` line, a feed item's link,
/// a page's link — must be http or https: otherwise a remote site could make `etl` read the
/// user's own files into the corpus.
///
/// Sources put the document a record's URL was found in on the record (``Record/foundIn``); the
/// runner refuses the record before any fetcher sees it, and the refusal is its dead letter.
/// Documents a source downloads for itself (a sitemap index's children) are checked the same way
/// before they are read.
public struct UntrustedScheme: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL as the content wrote it.
    public let url: String
    /// The URL of the document it was found in.
    public let foundIn: String

    /// The refusal of `url`, found in the document at `foundIn`; nil when the URL may be used: it
    /// is http(s), or `foundIn` is a local file (the user's own, see above).
    public init?(_ url: String, foundIn: String) {
        guard !Self.isWeb(url), Pipeline.scheme(of: foundIn) != "file" else { return nil }
        self.url = url
        self.foundIn = foundIn
    }

    /// Whether `url` is an http or https URL (scheme in any case).
    public static func isWeb(_ url: String) -> Bool {
        let scheme = Pipeline.scheme(of: url)
        return scheme == "http" || scheme == "https"
    }

    public var description: String {
        "\(url) was found in \(foundIn), which was fetched over the network, and is not an http or https URL: "
            + "only the pipeline file may name local files or other schemes, so it is not read"
    }
}

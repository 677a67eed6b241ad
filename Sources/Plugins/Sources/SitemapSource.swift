import ETLHTML
import ETLKit
import ETLText
import Foundation

/// The `sitemap` source: the pages a site lists in its sitemaps — indexes followed, `.xml.gz`
/// decompressed, Google News sitemaps' dates and titles passed on — within a date window.
public struct SitemapSource: Source {
    /// Pages found on the web: only http(s) URLs are ever sent (see ``UntrustedScheme``).
    public var urlSchemes: Set<String>? { ["http", "https"] }
    public static let descriptor = PluginDescriptor(
        id: "sitemap",
        kind: .source,
        summary: "Pages listed in sitemaps: indexes followed, .xml.gz, Google News dates and titles, a date window.",
        discussion: """
            Give the sitemaps (urls), or a site (site): then the sitemaps its robots.txt lists, else \
            SITE/sitemap.xml. A page's news:publication_date becomes the field published, news:title the \
            field title, lastmod the field modified. With since/until, pages dated outside the window are \
            skipped (undated pages are kept), and so are index entries whose lastmod is before since. \
            A sitemap fetched over http(s) may only list http(s) URLs: a page or a sitemap with another \
            scheme (file:, a bare path) goes to the dead letters unread; a local sitemap named here may \
            list local files.
            """,
        options: [Option.urls.spec, Option.site.spec, Option.since.spec, Option.until.spec, Option.maxSitemaps.spec, Option.limit.spec]
            + HTTPFetcher.sourceOptions(timeout: 60, documents: "sitemap")
    )

    /// The options, each declared once (``OptionKey``); the download options are the `http` fetcher's.
    enum Option {
        static let urls: OptionKey<[String]> = .strings("urls", "Sitemap or sitemap-index URLs (http, https or file).")
        static let site: OptionKey<String?> = .string("site", "A site's base URL: its sitemaps are found through robots.txt, else /sitemap.xml.")
        static let since = TimeBound.since("Undated pages are kept.")
        static let until = TimeBound.until()
        static let maxSitemaps: OptionKey<Int> = .integer("maxSitemaps", minimum: 1, default: 500, "At most this many sitemap files are read.")
        static let limit: OptionKey<Int?> = .integer("limit", minimum: 1, formerly: ["maxUrls"], "At most this many pages are sent (all when not set).")
    }

    let urls: [String]
    let site: String?
    let since: Date?
    let until: Date?
    let maxSitemaps: Int
    let limit: Int?
    let downloader: ResourceDownloader

    public init(options: PluginOptions) throws {
        // Each option's own checks first, the combination last: `etl validate` can then report
        // every bad option (it builds the plugin again without the one rejected).
        urls = options[Option.urls]
        site = options[Option.site].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("file:") || url.hasPrefix("/")) {
            throw OptionError(option: Option.urls.name, "has \"\(url)\", which is not an http, https or file URL")
        }
        if let site, !(site.hasPrefix("http://") || site.hasPrefix("https://")) {
            throw OptionError(option: Option.site.name, "is \"\(site)\", not an http or https URL")
        }
        (since, until) = try TimeBound.window(since: options[Option.since], until: options[Option.until])
        maxSitemaps = options[Option.maxSitemaps]
        limit = options[Option.limit]
        guard !urls.isEmpty || site != nil else { throw OptionError(option: Option.urls.name, "and \"site\" are both missing: give sitemap URLs or a site") }
        downloader = try ResourceDownloader(options: options, defaultTimeout: 60)
    }

    /// Whether a date string falls outside the window (an unreadable or missing date never does).
    func isOutsideWindow(_ text: String?) -> Bool {
        guard let date = Self.parse(text) else { return false }
        if let since, date < since { return true }
        if let until, date >= until { return true }
        return false
    }

    /// Whether an index entry's sitemap has not changed since the window began: it cannot list
    /// newer pages. (`until` says nothing here: a sitemap changed later may still list older pages.)
    func isStale(_ child: SitemapDocument.Child) -> Bool {
        guard let since, let changed = Self.parse(child.lastModified) else { return false }
        return changed < since
    }

    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        return ArticleDate(timeZone: nil).parseISO(ArticleDate.asciiDigits(text).trimmingWhitespace())?.0
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        // Each sitemap with the document it was found in: nil for the pipeline's own.
        var queue: [(url: String, foundIn: String?)] = urls.isEmpty ? await discover(context: context) : urls.map { ($0, nil) }
        var visited: Set<String> = []
        var sent = 0
        var failures: [String] = []
        while !queue.isEmpty && visited.count < maxSitemaps {
            let (url, foundIn) = queue.removeFirst()
            guard visited.insert(url).inserted else { continue }
            let document: SitemapDocument
            do {
                let bytes = try await downloader.download(url, foundIn: foundIn, context: context)
                guard let parsed = try SitemapDocument(bytes: bytes, url: url) else { throw SitemapError.notASitemap(url: url) }
                document = parsed
            } catch let error as ResourceDownloader.Failure {
                // A site whose robots.txt lists no sitemap and that has none at the usual place
                // simply has none: said, not a failure. An unreachable site is one.
                if case .status(_, let status) = error, [404, 410].contains(status), let site, foundIn == nil, url == site + "/sitemap.xml",
                    urls.isEmpty, visited.count == 1
                {
                    context.logger.warning(
                        "\(site) lists no sitemap in its robots.txt and has none at /sitemap.xml (HTTP \(status)): no pages from this source")
                    continue
                }
                failures.append(error.description)
                continue
            } catch let error as SitemapError {
                failures.append(error.description)
                continue
            } catch let halt as ParseHalt {
                failures.append(halt.description)
                continue
            }
            context.logger.info("sitemap \(url): \(document.pages.count) pages, \(document.children.count) sitemaps")
            queue += document.children.filter { !isStale($0) }.map { ($0.url, url) }
            for page in document.pages where !isOutsideWindow(page.published ?? page.lastModified) {
                if let limit, sent >= limit { break }
                var fields: [String: JSONValue] = [:]
                if let title = page.title { fields[ArticleField.title] = .string(title) }
                // ISO 8601 like every date etl writes (W3C datetime is a subset; kept as written if unreadable).
                let dates = ArticleDate(timeZone: nil)
                if let published = page.published { fields[ArticleField.published] = .string(dates.normalize(published) ?? published) }
                if let modified = page.lastModified { fields[ArticleField.modified] = .string(dates.normalize(modified) ?? modified) }
                try await output.send(Record(url: page.url, source: Self.descriptor.id, fields: fields, foundIn: url))
                sent += 1
            }
        }
        if !failures.isEmpty { throw SitemapError.several(failures) }
    }

    /// The sitemaps a site's robots.txt lists (found in it), else SITE/sitemap.xml (the user's).
    func discover(context: RunContext) async -> [(url: String, foundIn: String?)] {
        guard let site else { return [] }
        let listed = await downloader.sitemaps(listedFor: site, context: context)
        return listed.isEmpty ? [(site + "/sitemap.xml", nil)] : listed.map { ($0.url, $0.foundIn) }
    }
}

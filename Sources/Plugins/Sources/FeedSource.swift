import ETLHTML
import ETLKit
import ETLText
import Foundation

/// The `feed` source: the article links of RSS and Atom feeds, with each item's title and date
/// passed on as the fields `title` and `published` (the page's own values replace them when the
/// `article` extractor finds them).
public struct FeedSource: Source {
    /// Pages found on the web: only http(s) URLs are ever sent (see ``UntrustedScheme``).
    public var urlSchemes: Set<String>? { ["http", "https"] }
    public static let descriptor = PluginDescriptor(
        id: "feed",
        kind: .source,
        summary: "Article links from RSS 2.0, RSS 1.0 and Atom feeds, with the items' titles and dates.",
        discussion: """
            Each feed is fetched once (http, https or a local file); an item's link (Atom: the alternate \
            link; RSS: <link>, else a permalink <guid>) becomes a record. A feed that cannot be fetched or \
            parsed goes to the dead-letter sink; the other feeds go on. A feed fetched over http(s) may \
            only link to http(s) pages: an item whose link has another scheme (file:, a bare path) goes \
            to the dead letters unread; a local feed named here may link to local files.
            """,
        options: [Option.urls.spec, Option.site.spec, Option.limit.spec, Option.since.spec, Option.until.spec]
            + HTTPFetcher.sourceOptions(timeout: 30, documents: "feed")
    )

    /// The options, each declared once (``OptionKey``); the download options are the `http` fetcher's.
    enum Option {
        static let urls: OptionKey<[String]> = .strings("urls", "The feeds' URLs (http, https or file).")
        static let site: OptionKey<String?> = .string(
            "site",
            "A site's base URL: its feeds are the ones its home page announces (<link rel=\"alternate\" type=\"application/rss+xml\">), else SITE/feed, /rss, /rss.xml."
        )
        static let limit: OptionKey<Int?> = .integer(
            "limit", minimum: 1, formerly: ["maxItems"], "At most this many items of each feed are sent (all when not set).")
        static let since = TimeBound.since("Undated items are kept.")
        static let until = TimeBound.until()
    }

    let urls: [String]
    let site: String?
    let limit: Int?
    let since: Date?
    let until: Date?
    let downloader: ResourceDownloader

    public init(options: PluginOptions) throws {
        // Each option's own checks first, the combination last (see the sitemap source).
        urls = options[Option.urls]
        site = options[Option.site].map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let site, !(site.hasPrefix("http://") || site.hasPrefix("https://")) {
            throw OptionError(option: Option.site.name, "is \"\(site)\", not an http or https URL")
        }
        for url in urls where !(url.hasPrefix("http://") || url.hasPrefix("https://") || url.hasPrefix("file:") || url.hasPrefix("/")) {
            throw OptionError(option: Option.urls.name, "has \"\(url)\", which is not an http, https or file URL")
        }
        limit = options[Option.limit]
        (since, until) = try TimeBound.window(since: options[Option.since], until: options[Option.until])
        downloader = try ResourceDownloader(options: options, defaultTimeout: 30)
        guard !urls.isEmpty || site != nil else { throw OptionError(option: Option.urls.name, "is empty and no site is given; give feed URLs or a site") }
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        var failures: [String] = []
        let feeds: [(url: String, foundIn: String?)]
        if urls.isEmpty, let site {
            switch await discover(site, context: context) {
            case .found(let found):
                feeds = found
            case .none:
                // A site without a feed is not a failure of the run: said, and nothing to read.
                context.logger.warning("\(site) announces no feed and none of /feed, /rss, /rss.xml is one: no pages from this source")
                return
            case .unreachable(let reason):
                throw FeedError.unreachable(url: site, reason: "the site cannot be reached: \(reason)")
            }
        } else {
            feeds = urls.map { ($0, nil) }
        }
        for (url, foundIn) in feeds {
            do {
                let items = try await items(of: url, foundIn: foundIn, context: context)
                context.logger.info("feed \(url): \(items.count) items")
                for item in items.filter({ !isOutsideWindow($0.date) }).prefix(limit ?? Int.max) {
                    var fields: [String: JSONValue] = [:]
                    if let title = item.title { fields[ArticleField.title] = .string(title) }
                    // ISO 8601 like every date etl writes (RSS writes RFC 822); kept as written if unreadable.
                    if let date = item.date { fields[ArticleField.published] = .string(ArticleDate(timeZone: nil).normalize(date) ?? date) }
                    try await output.send(Record(url: item.link, source: Self.descriptor.id, fields: fields, foundIn: url))
                }
            } catch let error as FeedError {
                failures.append(error.description)
            }
        }
        if !failures.isEmpty { throw FeedError.several(failures) }
    }

    /// Whether an item's date (RFC 822 in RSS, ISO 8601 in Atom) falls outside `since`/`until`; an
    /// item without a readable date never does.
    func isOutsideWindow(_ text: String?) -> Bool {
        guard since != nil || until != nil, let text else { return false }
        let dates = ArticleDate(timeZone: nil)
        let trimmed = ArticleDate.asciiDigits(text).trimmingWhitespace()
        guard let date = (dates.parseISO(trimmed) ?? dates.parseRFC822(trimmed))?.0 else { return false }
        if let since, date < since { return true }
        if let until, date >= until { return true }
        return false
    }

    /// What looking for a site's feeds found.
    enum Discovery {
        /// Feeds, each with the document it was found in (nil: a usual path, the user's).
        case found([(url: String, foundIn: String?)])
        /// The site answers but announces no feed and has none at the usual paths.
        case none
        /// The site's home page could not be fetched (network error, 5xx, refused): why.
        case unreachable(String)
    }

    /// The feeds a site's home page announces (found in it; links that are not http(s) are not
    /// feeds and are left out), else the first of the usual paths that is a feed (the user's).
    func discover(_ site: String, context: RunContext) async -> Discovery {
        let home: [UInt8]?
        do {
            home = try await downloader.download(site + "/", foundIn: nil, context: context)
        } catch {
            // A home page that answers 4xx still leaves the usual paths to try; anything else is the site being away.
            if case .status(_, let status) = error, (400..<500).contains(status), status != 429 {
                home = nil
            } else {
                return .unreachable(error.description)
            }
        }
        if let home {
            let html = TextDecoding.decode(home).text
            // A home page libxml2 cannot read to its end announces nothing: the usual paths are tried.
            let announced =
                (try? HTMLParsing.withDocument(html, url: site + "/") { document -> [String] in
                    HTMLParsing.values(of: "//link[@rel='alternate' and (contains(@type, 'rss') or contains(@type, 'atom'))]/@href", in: document)
                        .compactMap { CanonicalURL.resolve($0, against: site + "/") }
                }) ?? []
            if !announced.isEmpty { return .found(announced.map { ($0, site + "/") }) }
        }
        for path in ["/feed", "/rss", "/rss.xml"] {
            if let bytes = try? await downloader.download(site + path, foundIn: nil, context: context),
                (try? FeedDocument(bytes: bytes, url: site + path))??.items.isEmpty == false
            {
                return .found([(site + path, nil)])
            }
        }
        return .none
    }

    /// The items of one feed; `foundIn`: the document the feed's URL was found in, nil for the user's.
    func items(of url: String, foundIn: String?, context: RunContext) async throws -> [FeedDocument.Item] {
        let bytes: [UInt8]
        do {
            bytes = try await downloader.download(url, foundIn: foundIn, context: context)
        } catch {
            throw FeedError.unreachable(url: url, reason: error.description, underlying: error)
        }
        let parsed: FeedDocument?
        do throws(ParseHalt) {
            parsed = try FeedDocument(bytes: bytes, url: url)
        } catch {
            throw FeedError.unreadable(error)
        }
        guard let document = parsed else { throw FeedError.notAFeed(url: url) }
        return document.items
    }
}

import ETLHTML
import ETLKit
import Foundation

/// The `crawl` source: pages reached by following links from seed URLs, breadth first, within a
/// depth and a page limit, on the seeds' sites by default.
///
/// Each page whose links are followed is fetched once, here: the records it sends carry the response
/// and the decoded document, so the pipeline's fetcher does not fetch them again. Pages at the last
/// depth are sent unfetched, for the pipeline's fetcher. `follow` decides which links are
/// followed; `include` and `exclude` which fetched pages become records (a section page can be
/// followed without being kept). URLs are canonical (``CanonicalURL``), so one URL has one spelling
/// (`/news/1` and `/news/1/` stay two URLs, as they may be two pages).
public struct CrawlSource: Source {
    /// Pages found on the web: only http(s) URLs are ever sent (see ``UntrustedScheme``).
    public var urlSchemes: Set<String>? { ["http", "https"] }
    public static let descriptor = PluginDescriptor(
        id: "crawl",
        kind: .source,
        summary: "Pages found by following links from seeds: follow/include/exclude patterns, depth and page limits, same site by default.",
        discussion: """
            Example: { "use": "crawl", "seeds": ["https://www.example.ir/"], "follow": ["/service/", "/news/"], \
            "include": ["/news/\\\\d+"], "maxDepth": 2, "limit": 500 }. Patterns are regular expressions \
            matched anywhere in the canonical URL. Pages whose links are followed are fetched here, through \
            the http fetcher, one at a time: robots.txt, the per-host delay and retries apply. Pages at \
            the last depth are only checked against robots.txt and sent unfetched: the pipeline's \
            fetcher gets them, once even when another source sends them too.
            """,
        options: [
            Option.seeds.spec, Option.follow.spec, Option.include.spec, Option.exclude.spec, Option.maxDepth.spec, Option.limit.spec,
            Option.sameSite.spec,
        ] + HTTPFetcher.sourceOptions(timeout: 30, documents: "page")
    )

    let seeds: [String]
    let follow: [NSRegularExpression]
    let include: [NSRegularExpression]
    let exclude: [NSRegularExpression]
    let maxDepth: Int
    let limit: Int
    let sameSite: Bool
    /// Pages are fetched through the `http` fetcher itself: robots.txt, the run's per-host schedule,
    /// retries and charset decoding hold for crawling as for any pipeline.
    let fetcher: HTTPFetcher

    /// The options, each declared once (``OptionKey``); the download options are the `http` fetcher's.
    enum Option {
        static let seeds: OptionKey<[String]> = .strings("seeds", required: true, "Where the crawl starts (http or https URLs).")
        static let follow: OptionKey<[String]> = .strings("follow", "Follow only links matching one of these regular expressions (all, when empty).")
        static let include: OptionKey<[String]> = .strings("include", "Send only pages matching one of these regular expressions (all, when empty).")
        static let exclude: OptionKey<[String]> = .strings("exclude", "Never follow or send pages matching one of these regular expressions.")
        static let maxDepth: OptionKey<Int> = .integer("maxDepth", minimum: 0, maximum: 50, default: 2, "Links followed from a seed (0: the seeds only).")
        static let limit: OptionKey<Int> = .integer("limit", minimum: 1, default: 1000, formerly: ["maxPages"], "At most this many pages are fetched or sent.")
        static let sameSite: OptionKey<Bool> = .boolean("sameSite", default: true, "Stay on the seeds' hosts (www. ignored).")
    }

    public init(options: PluginOptions) throws {
        seeds = options[Option.seeds].map(CanonicalURL.canonical)
        guard !seeds.isEmpty else { throw OptionError(option: Option.seeds.name, "is empty: give at least one URL") }
        for seed in seeds where !(seed.hasPrefix("http://") || seed.hasPrefix("https://")) {
            throw OptionError(option: Option.seeds.name, "has \"\(seed)\", which is not an http or https URL")
        }
        func patterns(_ key: OptionKey<[String]>) throws -> [NSRegularExpression] {
            try options[key].map { pattern in
                do {
                    return try NSRegularExpression(pattern: pattern)
                } catch {
                    throw OptionError(option: key.name, "has \"\(pattern)\", which is not a valid regular expression")
                }
            }
        }
        follow = try patterns(Option.follow)
        include = try patterns(Option.include)
        exclude = try patterns(Option.exclude)
        maxDepth = options[Option.maxDepth]
        limit = options[Option.limit]
        sameSite = options[Option.sameSite]
        fetcher = try HTTPFetcher(sourceOptions: options, defaultTimeout: 30, maxBytes: HTTPFetcher.defaultMaxBytes)
    }

    static func matches(_ url: String, _ patterns: [NSRegularExpression]) -> Bool {
        patterns.contains { $0.firstMatch(in: url, range: NSRange(url.startIndex..., in: url)) != nil }
    }

    static func site(of url: String) -> String? {
        guard let host = URL(string: url)?.host?.lowercased() else { return nil }
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        let sites = Set(seeds.compactMap(Self.site))
        // Each page with the page it was linked from (nil for a seed).
        var queue: [(url: String, depth: Int, foundIn: String?)] = seeds.map { ($0, 0, nil) }
        var seen = Set(seeds)
        var fetched = 0
        while !queue.isEmpty && fetched < limit {
            let (url, depth, foundIn) = queue.removeFirst()
            fetched += 1
            // A page at the last depth is not read for links, so it is sent unfetched: the pipeline's
            // fetcher gets it once even when another source sends it too, with the state's
            // conditional request, and a failure becomes a dead letter.
            guard depth < maxDepth else {
                guard isIncluded(url) else { continue }
                if let rule = await fetcher.robotsRule(disallowing: url, context: context) {
                    context.logger.info("crawl: robots.txt disallows \(url) (\(rule))")
                    continue
                }
                try await output.send(Record(url: url, source: Self.descriptor.id, foundIn: foundIn))
                continue
            }
            // With workers sharing a frontier, a page is fetched for its links by one of them: the
            // one that claims it first; the others leave it (and the links it leads to) to that one.
            let frontier = context.services.value { SharedFrontier(nil) }.frontier
            if let frontier {
                let claimed: Bool
                do {
                    claimed = try await frontier.addClaimed(Record(url: url, source: Self.descriptor.id, foundIn: foundIn))
                } catch {
                    context.logger.warning("crawl: \(url) left to the other workers: \(error)")
                    continue
                }
                guard claimed else { continue }
            }
            let page: (record: Record, links: [String])
            do {
                page = try await fetch(url, foundIn: foundIn, context: context)
            } catch {
                context.logger.warning("crawl: \(error)")
                // Back to the frontier: a worker's fetcher asks again, and a failure is a dead letter.
                try? await frontier?.release([url])
                continue
            }
            if isIncluded(url) {
                try await output.send(page.record)
            } else {
                // Followed, not kept: done in the frontier, so that no worker fetches it as a page.
                try? await frontier?.complete([url], recording: [])
            }
            for link in page.links where !seen.contains(link) {
                guard !sameSite || Self.site(of: link).map(sites.contains) == true,
                    follow.isEmpty || Self.matches(link, follow) || (!include.isEmpty && Self.matches(link, include)),
                    !Self.matches(link, exclude)
                else { continue }
                seen.insert(link)
                queue.append((link, depth + 1, url))
            }
        }
    }

    /// Whether a page becomes a record.
    func isIncluded(_ url: String) -> Bool {
        (include.isEmpty || Self.matches(url, include)) && !Self.matches(url, exclude)
    }

    /// Fetches a page and returns its record (with response and document) and its links.
    func fetch(_ url: String, foundIn: String? = nil, context: RunContext) async throws -> (record: Record, links: [String]) {
        let record = try await fetcher.fetch(Record(url: url, source: Self.descriptor.id, foundIn: foundIn), context: context)
        guard let document = record.document else { return (record, []) }
        guard document.mediaType.map({ $0.contains("html") }) ?? true else { return (record, []) }
        do {
            return (record, try Self.links(in: document.text, base: record.response?.finalURL ?? url))
        } catch {
            // The page itself still goes on: the cleaner refuses it with the same reason.
            context.logger.warning("crawl: no links followed from \(url): \(error)")
            return (record, [])
        }
    }

    /// The page's links, resolved against its `<base href>` or its own URL, canonical, in order, once
    /// each. Only http(s) links are pages: `mailto:`, `javascript:`, `file:` and the like are left
    /// out (a `<base href="file:///">` is no base either), so a page never sends the crawl to a
    /// local file.
    static func links(in html: String, base: String) throws(ParseHalt) -> [String] {
        try HTMLParsing.withDocument(html, url: base) { document -> [String] in
            let pageBase = HTMLParsing.values(of: "//base/@href", in: document).first.flatMap { CanonicalURL.resolve($0, against: base) } ?? base
            var seen: Set<String> = []
            return HTMLParsing.values(of: "//a/@href", in: document).compactMap { CanonicalURL.resolve($0, against: pageBase) }
                .filter { seen.insert($0).inserted }
        } ?? []
    }
}

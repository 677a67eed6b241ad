import ETLHTTP
import ETLKit
import ETLText
import Foundation

/// The `http` fetcher: fetches `http` and `https` URLs with libcurl's multi interface.
///
/// Transfers run on one dedicated thread (see ``CurlMultiClient``), at most `concurrency` at once and
/// at most `perHost` at once per host, and requests to one host start at least `delay` seconds apart
/// (or the host's robots.txt Crawl-delay, up to `maxCrawlDelay`, when longer); queued requests wait
/// in the fetcher's own queue, so timeouts measure only the transfer. Before the first request to an
/// origin the fetcher reads its robots.txt (RFC 9309, see ``RobotsRules``) and refuses the URLs it
/// disallows without sending them. Network failures, timeouts and the statuses 429, 500, 502, 503
/// and 504 are retried (see ``RetryPolicy``). Redirects are followed by the fetcher, not by libcurl:
/// each hop is a new request, admitted by its own host's schedule and robots.txt, to http and https
/// targets only, at most `maxRedirects` of them, and a target seen before is a loop. Every compression
/// libcurl knows is accepted, and bodies are capped at `maxBytes` after decompression. A 2xx response
/// succeeds; any other status, a network failure, a timeout, too many redirects, an oversized body or
/// a binary media type throws ``HTTPFetchError``, which sends the record to the dead-letter sink.
/// The body is decoded with ``TextDecoding``: a byte-order mark, else the Content-Type charset, else
/// a `<meta>` declaration, else UTF-8.
///
/// A record with ``Record/conditional`` validators (set by the runner from its state store) is
/// fetched with `If-None-Match` / `If-Modified-Since`; a 304 to such a request throws ``NotModified``,
/// which the runner counts as unchanged, not as a failure.
///
/// Politeness is the run's, not the fetcher's: the per-host schedule (``HostSchedule``) and the
/// robots.txt cache (``RobotsCache``) come from the run's ``RunServices``, so every fetcher of a run,
/// the `crawl` source's and the `sitemap` and `feed` sources' downloads (``ResourceDownloader``)
/// included, keeps one delay per host and reads each robots.txt once. With a PostgreSQL state the
/// pipeline's workers share them too (``HostLedgerGate``, ``HostLedger``): every request also
/// waits for a start reserved in the ledger, a Retry-After holds the host for every worker, and a
/// robots.txt one worker read is read by the others from the ledger.
///
/// With `proxies`, every request (robots.txt included) goes through one of them, by
/// `proxyRotation`; a proxy that fails is left out for `proxyBackoff` and the request goes through
/// the next (see ``send(_:host:schedule:ledger:acceptsAnyMediaType:truncatingBodyAt:headerLines:recordingExchange:context:)``),
/// and the site's address is checked before the request is handed to the proxy
/// (``DestinationPolicy/checkedTarget(url:hostName:)``).
///
/// Building the fetcher only checks its options; the client starts its thread at the first fetch
/// and lets it go when idle.
public struct HTTPFetcher: Fetcher {
    public static let descriptor = PluginDescriptor(
        id: "http",
        kind: .fetcher,
        summary:
            "Fetches http and https URLs with libcurl: robots.txt, per-host delay and concurrency limits, retries with backoff, timeouts, redirects, compression, size caps, charset decoding.",
        discussion: """
            A 2xx response succeeds; any other status, a network failure, a timeout, too many \
            redirects, a body over maxBytes or a binary media type (images, audio, video, PDF, \
            archives) sends the record to the dead-letter sink with the reason. The body is decoded \
            to Unicode by its byte-order mark, else the Content-Type charset, else a <meta> \
            declaration, else as UTF-8; windows-1256 and other legacy charsets are supported. \
            A declared charset the bytes are not in (a windows-1256 page that says utf-8) is \
            replaced by the charset detected, with a warning naming both; bytes that are text in no \
            charset are a dead letter. \
            Politeness holds across the whole run: the crawl, sitemap and feed sources download \
            through the same per-host schedule and robots.txt cache, and when two of them ask for \
            different delays, the longer one separates their requests. \
            Each origin's robots.txt is read once per run, with its own retries (a 4xx \
            other than 429 means no rules; a 429, a 5xx or a network failure disallows the whole \
            host for 5 minutes, then it is read again; only its first 500 KiB are read, whatever \
            maxBytes says; /robots.txt itself is always allowed) and disallowed URLs are dead letters \
            without a request. A Retry-After holds back every request to its host. Requests to one host start at \
            least max(delay, Crawl-delay up to maxCrawlDelay) seconds apart, whatever the number \
            of sources, so with a delay perHost rarely matters: it only bounds slow transfers \
            that overlap. Network failures, timeouts and the statuses 429, 500, 502, 503 and 504 \
            are retried up to retries times after backoff, 2×backoff, 4×backoff… seconds (±20%, \
            at most 60), or after the response's Retry-After; other statuses are not retried, nor \
            is a response that breaks HTTP (a malformed status line, broken chunked encoding, an \
            invalid content encoding, oversized headers): it is a dead letter after one request. \
            With a pipeline "state", a page fetched before is asked for with If-None-Match / \
            If-Modified-Since, and a 304 counts as unchanged, not as a failure. \
            With proxies, each request goes through one of them (per host or per request); one \
            that fails is left out for proxyBackoff seconds and the request goes at once through \
            the next (one attempt of the retry policy); when none is left the attempt fails with \
            a reason naming each proxy, passwords shown as ***. The site's name is resolved here \
            and its addresses checked (allowPrivate) before the request goes to the proxy.
            """,
        options: [
            Option.concurrency.spec, Option.perHost.spec, Option.delay.spec, Option.robots.spec, Option.maxCrawlDelay.spec,
            Option.retries.spec, Option.backoff.spec, Option.maxRetryAfter.spec, Option.connectTimeout.spec, Option.timeout.spec,
            Option.maxRedirects.spec, Option.maxBytes.spec, Option.userAgent.spec, Option.allowPrivate.spec, Option.headers.spec,
            Option.proxies.spec, Option.proxyRotation.spec, Option.proxyBackoff.spec,
        ]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let concurrency: OptionKey<Int> = .integer(
            "concurrency", minimum: 1, maximum: 1024, default: 32, "Transfers in progress at once, all hosts together.")
        static let perHost: OptionKey<Int> = .integer(
            "perHost", minimum: 1, maximum: 64, default: 1,
            "Transfers in progress at once to one host (polite default: one); further requests to the host wait in a queue that timeouts do not count.")
        static let delay: OptionKey<Double> = .number(
            "delay", minimum: 0, maximum: 3600, default: 1,
            "Least seconds between the starts of two requests to one host (0 for none); a longer robots.txt Crawl-delay wins.")
        static let robots: OptionKey<Bool> = .boolean(
            "robots", default: true,
            "Read each origin's robots.txt once and refuse the URLs it disallows for our user agent, without requesting them.")
        static let maxCrawlDelay: OptionKey<Double> = .number(
            "maxCrawlDelay", minimum: 0, maximum: 3600, default: 30, "Largest robots.txt Crawl-delay obeyed, in seconds; a longer one is cut to this.")
        static let retries: OptionKey<Int> = .integer(
            "retries", minimum: 0, maximum: 100, default: 3,
            "Retries after a network failure, a timeout or a 429, 500, 502, 503 or 504 response (0 for none).")
        static let backoff: OptionKey<Double> = .number(
            "backoff", minimum: 0, maximum: 3600, default: 1,
            "Seconds before the first retry, doubled for each further one (±20% jitter, at most 60).")
        static let maxRetryAfter: OptionKey<Double> = .number(
            "maxRetryAfter", minimum: 0, maximum: 86400, default: 120,
            "Longest Retry-After obeyed, in seconds; a response asking for longer ends the fetch.")
        static let connectTimeout: OptionKey<Double> = .number(
            "connectTimeout", minimum: 0.001, default: 10, "Seconds allowed to open a connection.")
        static let timeout: OptionKey<Double> = .number(
            "timeout", minimum: 0.001, default: 30,
            "Seconds allowed for one request's whole transfer (each redirect is a request of its own).")
        static let maxRedirects: OptionKey<Int> = .integer(
            "maxRedirects", minimum: 0, maximum: 100, default: 10,
            "Redirects followed before the fetch fails. Each is a request of its own, spaced by delay and checked against robots.txt of its host; a loop, or a target that is not http(s), fails at once."
        )
        static let maxBytes: OptionKey<Int> = .integer(
            "maxBytes", minimum: 1, default: defaultMaxBytes, "Largest body accepted, in bytes after decompression; a larger one fails the fetch.")
        static let userAgent: OptionKey<String> = .string("userAgent", default: defaultUserAgent, "The User-Agent header sent with every request.")
        static let allowPrivate: OptionKey<[String]> = .strings(
            "allowPrivate",
            "Host names, addresses and networks (10.0.0.0/8, fd00::/8) that may be reached on loopback, private or link-local addresses. Without it only the hosts the pipeline's sources or URL lists name may be, and never on link-local ones; the address is checked after DNS, on every redirect."
        )
        static let headers: OptionKey<[String: String]> = .stringMap(
            "headers", "Extra request headers, name to value; they replace the defaults of the same name (such as Accept).")
        static let proxies: OptionKey<[String]> = .strings(
            "proxies",
            "Proxies every request goes through, in turn (proxyRotation): socks5h:// (the proxy resolves the site's name), socks5:// (resolved here), http:// or https:// URLs with a host and a port, with user:password@ if the proxy asks (shown as user:***). One that fails is left out for proxyBackoff seconds and the request goes through the next at once. The site's address is still checked (allowPrivate): its name is resolved here first. Empty: no proxy."
        )
        static let proxyRotation: OptionKey<ProxyPool.Rotation> = .choice(
            "proxyRotation", default: .host,
            "How requests take the proxies: host (each host keeps its proxy while it works; new hosts take them in turn) or request (each request the next one)."
        )
        static let proxyBackoff: OptionKey<Double> = .number(
            "proxyBackoff", minimum: 0, maximum: 86400, default: 60,
            "Seconds a proxy that failed (no connection, a failed SOCKS or CONNECT handshake, its credentials refused) is left out, by every plugin of the run."
        )
    }

    /// 20 MiB: larger than any real web page, small enough to keep a run's memory bounded.
    public static let defaultMaxBytes = 20 * 1024 * 1024
    public static let defaultUserAgent = "etl/0.1 (+https://github.com/etl-project/etl)"
    /// Request headers sent unless the `headers` option names them.
    static let defaultHeaders: [(name: String, value: String)] = [
        (name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    ]

    public var schemes: Set<String> { ["http", "https"] }

    private let client: CurlMultiClient
    /// Whether robots.txt is obeyed (the rules are read anyway when a source asks for its sitemaps).
    private let obeysRobots: Bool
    /// How long an unreachable robots.txt keeps its host disallowed before it is read again.
    private let robotsFailureLifetime: Duration
    private let retryPolicy: RetryPolicy
    private let userAgent: String
    private let maxCrawlDelay: Double
    /// Redirects followed before the fetch fails.
    private let maxRedirects: Int
    /// The `allowPrivate` option: networks and host names that may be reached on private addresses.
    private let allowedNetworks: [DestinationPolicy.Network]
    private let allowedHosts: Set<String>
    /// The `proxies` option and its rotation; nil without proxies.
    private let proxyPool: ProxyPool?

    public init(options: PluginOptions) throws {
        try self.init(options: options, robotsFailureLifetime: .seconds(300))
    }

    /// `robotsFailureLifetime`: how long an unreachable robots.txt keeps its host disallowed before
    /// it is read again.
    init(options: PluginOptions, robotsFailureLifetime: Duration) throws {
        // The loader checked each value against its declaration; a fetcher built by hand (the
        // sources' downloaders, tests) is checked here, so that no limit can be out of range.
        let checked = try options.checking(Self.descriptor.options)
        var configuration = CurlMultiClient.Configuration()
        configuration.concurrency = checked[Option.concurrency]
        configuration.perHost = checked[Option.perHost]
        configuration.connectTimeout = checked[Option.connectTimeout]
        configuration.timeout = checked[Option.timeout]
        maxRedirects = checked[Option.maxRedirects]
        (allowedNetworks, allowedHosts) = try DestinationPolicy.allowances(options[Option.allowPrivate])
        configuration.maxBytes = checked[Option.maxBytes]
        let proxies = try Self.proxies(options[Option.proxies])
        proxyPool =
            proxies.isEmpty
            ? nil : ProxyPool(proxies: proxies, rotation: checked[Option.proxyRotation], backoff: .seconds(checked[Option.proxyBackoff]))
        let userAgent = options[Option.userAgent]
        guard !Self.containsLineBreak(userAgent) else {
            throw OptionError(option: Option.userAgent.name, "must not contain a line break")
        }
        configuration.userAgent = userAgent
        configuration.headerLines = try Self.headerLines(options[Option.headers])
        configuration.isUnwantedMediaType = Self.isBinaryMediaType
        configuration.delay = .seconds(checked[Option.delay])
        maxCrawlDelay = checked[Option.maxCrawlDelay]
        configuration.maxCrawlDelay = .seconds(maxCrawlDelay)
        client = CurlMultiClient(configuration: configuration)
        self.userAgent = userAgent

        obeysRobots = options[Option.robots]
        self.robotsFailureLifetime = robotsFailureLifetime
        var retryPolicy = RetryPolicy()
        retryPolicy.retries = checked[Option.retries]
        retryPolicy.backoff = checked[Option.backoff]
        retryPolicy.maxRetryAfter = checked[Option.maxRetryAfter]
        self.retryPolicy = retryPolicy
    }

    /// The options every source that downloads over HTTP declares, with the meaning the `http`
    /// fetcher gives them. `documents` names what the source downloads ("sitemap", "feed", "page").
    static func sourceOptions(timeout: Double, documents: String) -> [OptionSpec] {
        [
            OptionSpec(
                "delay", .number(minimum: 0, maximum: 3600), default: 1,
                "Seconds between the starts of two requests to one host (or the host's Crawl-delay, if longer); with the run's other plugins that fetch from the same host, the longer delay separates every request."
            ),
            OptionSpec("robots", .boolean, default: true, "Obey each host's robots.txt: a disallowed \(documents) is not requested."),
            OptionSpec("timeout", .number(minimum: 0.1), default: .number(timeout), "Seconds allowed to fetch one \(documents)."),
            OptionSpec("userAgent", .string, default: .string(HTTPFetcher.defaultUserAgent), "The User-Agent header sent with \(documents) requests."),
            OptionSpec(
                "allowPrivate", .stringList, default: .array([]),
                "Host names, addresses and networks (10.0.0.0/8) that may be reached on loopback, private or link-local addresses; as the http fetcher's option."
            ),
            OptionSpec(
                "proxies", .stringList, default: .array([]),
                "Proxies the \(documents) requests go through (socks5h://, socks5://, http://, https:// with host and port, user:password@ if needed); as the http fetcher's option."
            ),
            Option.proxyRotation.spec, Option.proxyBackoff.spec,
        ]
    }

    /// A fetcher for a source's own downloads, from the source's ``sourceOptions(timeout:documents:)``;
    /// the other settings are the defaults, with two retries.
    init(sourceOptions options: PluginOptions, defaultTimeout: Double, maxBytes: Int) throws {
        var fetcherOptions: [String: JSONValue] = [
            "retries": 2, "timeout": .number(defaultTimeout), "maxBytes": .integer(maxBytes),
        ]
        for name in [
            Option.delay.name, Option.robots.name, Option.timeout.name, Option.userAgent.name, Option.allowPrivate.name, Option.proxies.name,
            Option.proxyRotation.name, Option.proxyBackoff.name,
        ] {
            if let value = options[name] { fetcherOptions[name] = value }
        }
        try self.init(options: PluginOptions(fetcherOptions))
    }

    public func fetch(_ record: Record, context: RunContext) async throws -> Record {
        try await checkRobots(record.url, context: context)
        let conditionalLines = Self.conditionalHeaderLines(record.conditional)
        // The transfers' bytes are kept only for a sink that archives them (the warc sink).
        let recording = context.services.value { ExchangeRecording(isOn: false) }.isOn
        let (result, attempts) = try await follow(record.url, headerLines: conditionalLines, recordingExchanges: recording, context: context)
        if result.status == 304 && !conditionalLines.isEmpty {
            guard recording else { throw NotModified(url: record.url) }
            var response = Response(finalURL: result.finalURL, status: result.status, headers: result.headers, totalTime: result.totalTime)
            response.exchanges = result.exchanges
            throw NotModified(url: record.url, response: response)
        }
        guard (200..<300).contains(result.status) else {
            let error = HTTPFetchError.httpStatus(url: record.url, finalURL: result.finalURL, status: result.status)
            throw attempts > 1 ? .failedAfterAttempts(attempts: attempts, last: error) : error
        }
        // Several URLs that end at one page give one record: the first to arrive.
        let fetchedPages = context.services.value { FetchedPages() }
        guard fetchedPages.insert(result.finalURL, for: record.url) else {
            throw AlreadyFetched(url: record.url, finalURL: result.finalURL)
        }
        let contentType = result.headers.last { $0.name == "content-type" }?.value
        let mediaType = contentType.flatMap(TextDecoding.mediaType(ofContentType:))
        // The client stops binary bodies at their first bytes; an empty one arrives here.
        if let mediaType, Self.isBinaryMediaType(mediaType) {
            throw HTTPFetchError.unsupportedMediaType(url: record.url, mediaType: mediaType)
        }
        let decoded = try TextDecoding.decode(result.body, contentType: contentType).checked(url: record.url, logger: context.logger)
        var record = record
        record.response = Response(
            finalURL: result.finalURL,
            status: result.status,
            headers: result.headers,
            totalTime: result.totalTime,
            bodySize: result.body.count
        )
        record.response?.exchanges = result.exchanges
        record.document = Document(text: decoded.text, mediaType: mediaType, charset: decoded.charset)
        return record
    }

    /// Fetches a whole document for a source (a sitemap, a feed, a home page) with the fetcher's
    /// politeness, robots.txt and retries, whatever its media type and status: the caller judges the
    /// response. The body is not decoded.
    func download(_ url: String, context: RunContext) async throws -> HTTPTransferResult {
        try await checkRobots(url, context: context)
        return try await follow(url, acceptsAnyMediaType: true, context: context).0
    }

    /// Downloads bytes `range` of a file (an HTTP range request, `Range: bytes=…`, sent again to
    /// each redirect's target) with the fetcher's politeness, robots.txt, retries and destination
    /// checks, whatever its media type: the `warc` and `cdx` sources read archives this way. The
    /// caller judges the status: 206 is the range, 200 the whole file (a server without ranges).
    func download(_ url: String, range: ClosedRange<Int>, context: RunContext) async throws -> HTTPTransferResult {
        try await checkRobots(url, context: context)
        return try await follow(
            url, acceptsAnyMediaType: true, everyHopHeaderLines: ["Range: bytes=\(range.lowerBound)-\(range.upperBound)"],
            context: context
        ).0
    }

    /// The rules of the robots.txt of `url`'s origin, read once per run (whether or not this fetcher
    /// obeys them: sources read their Sitemap lines); nil for a URL that is not http(s).
    func robotsRules(for url: String, context: RunContext) async -> RobotsRules? {
        guard let target = RobotsCache.target(of: url) else { return nil }
        return await rules(for: target, context: context)
    }

    // MARK: Redirects

    /// The statuses whose Location is followed; other 3xx (300, 304, 305) are answers.
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// Fetches `url` and follows its redirects hop by hop, each hop a new request: admitted by its
    /// own host's schedule (delay, perHost, Retry-After), checked against its own host's robots.txt
    /// when `checksRobots`, and retried on its own. Only http and https targets are followed, at
    /// most ``maxRedirects``; a target already requested is a loop. Extra `headerLines` (the
    /// first URL's validators) go with the first request only. The result's `finalURL` is the last hop's.
    private func follow(
        _ url: String, acceptsAnyMediaType: Bool = false, truncatingBodyAt: Int? = nil, headerLines: [String] = [],
        everyHopHeaderLines: [String] = [], checksRobots: Bool = true, recordingExchanges: Bool = false,
        context: RunContext
    ) async throws -> (HTTPTransferResult, attempts: Int) {
        var current = url
        // With recordingExchanges: the hops' transfers so far, the first first.
        var exchanges: [HTTPExchange] = []
        // The URLs asked for, to tell a loop; made at the first redirect (most fetches have none).
        var requested: Set<String> = []
        var hops = 0
        while true {
            let outcome: (HTTPTransferResult, attempts: Int)
            do {
                outcome = try await transfer(
                    current, acceptsAnyMediaType: acceptsAnyMediaType, truncatingBodyAt: truncatingBodyAt,
                    headerLines: (hops == 0 ? headerLines : []) + everyHopHeaderLines, recordingExchange: recordingExchanges,
                    context: context)
            } catch let error as HTTPFetchError where hops > 0 {
                throw HTTPFetchError.afterRedirect(url: url, target: current, error: error)
            }
            var (result, attempts) = outcome
            result.finalURL = current
            exchanges += result.exchanges
            result.exchanges = exchanges
            guard Self.redirectStatuses.contains(result.status), let target = result.redirectURL, !target.isEmpty else {
                return (result, attempts)
            }
            guard hops < maxRedirects else { throw HTTPFetchError.tooManyRedirects(url: url, limit: maxRedirects) }
            guard let scheme = target.split(separator: ":", maxSplits: 1).first?.lowercased(), scheme == "http" || scheme == "https" else {
                throw HTTPFetchError.redirectRefused(url: url, target: target, reason: "not an http or https URL")
            }
            if requested.isEmpty { requested.insert(url) }
            guard requested.insert(target).inserted else {
                throw HTTPFetchError.redirectRefused(url: url, target: target, reason: "a redirect loop")
            }
            if checksRobots, let refusal = await robotsRefusal(of: target, context: context) {
                if refusal.code == .robotsDisallowed {
                    throw HTTPFetchError.redirectRefused(url: url, target: target, reason: "disallowed by robots.txt (\(refusal.reason ?? ""))")
                }
                // An unreadable robots.txt may pass: not a refusal of the redirect itself.
                throw HTTPFetchError.afterRedirect(url: url, target: target, error: refusal)
            }
            context.logger.debug("\(current) redirects (HTTP \(result.status)) to \(target)")
            current = target
            hops += 1
        }
    }

    // MARK: Destinations

    /// The addresses a request to the host `name` (``URLHost/name(of:)``) may connect to: see
    /// ``DestinationPolicy``.
    private func destination(ofHostNamed name: String, context: RunContext) -> DestinationPolicy {
        let unbracketed = name.hasPrefix("[") ? String(name.dropFirst().dropLast()) : name
        return DestinationPolicy(
            hostIsNamed: context.services.value { NamedHosts() }.contains(name),
            hostIsAllowed: allowedHosts.contains(name) || allowedHosts.contains(unbracketed),
            networks: allowedNetworks)
    }

    // MARK: Retries

    /// Fetches `url`, trying again after retryable failures and statuses (``RetryPolicy``). Returns
    /// the last response, whatever its status, and the number of attempts; throws the last error,
    /// wrapped in ``HTTPFetchError/failedAfterAttempts(attempts:last:)`` after more than one attempt.
    private func transfer(
        _ url: String, acceptsAnyMediaType: Bool = false, truncatingBodyAt: Int? = nil, headerLines: [String] = [],
        recordingExchange: Bool = false, context: RunContext
    ) async throws -> (HTTPTransferResult, attempts: Int) {
        let schedule = context.services.value { HostSchedule() }
        let ledger = Self.ledger(context)
        var attempt = 0
        while true {
            attempt += 1
            var wait = 0.0
            var reason = ""
            do {
                // One reading of the URL for the schedule's host and the destination check's name.
                let host = URLHost.nameAndAuthority(of: url)
                let result = try await send(
                    url, host: host, schedule: schedule, ledger: ledger, acceptsAnyMediaType: acceptsAnyMediaType,
                    truncatingBodyAt: truncatingBodyAt, headerLines: headerLines, recordingExchange: recordingExchange, context: context)
                guard RetryPolicy.retryableStatuses.contains(result.status) else { return (result, attempt) }
                let retryAfter = result.headers.last { $0.name == "retry-after" }.flatMap { RetryPolicy.retryAfterSeconds($0.value) }
                // The whole host was asked to wait, not only this URL, also when this fetch gives up.
                if let retryAfter, retryAfter > 0, retryAfter <= retryPolicy.maxRetryAfter, let host = HostSchedule.host(of: url) {
                    schedule.hold(host, until: .now + .seconds(retryAfter))
                    // And every other worker of the pipeline.
                    await ledger.hold(host: host, for: .seconds(retryAfter))
                }
                guard attempt <= retryPolicy.retries else { return (result, attempt) }
                reason = "HTTP status \(result.status)"
                if let retryAfter {
                    guard retryAfter <= retryPolicy.maxRetryAfter else {
                        throw HTTPFetchError.retryAfterTooLong(
                            url: url, status: result.status, seconds: retryAfter, limit: retryPolicy.maxRetryAfter, attempts: attempt)
                    }
                    wait = retryAfter
                } else {
                    wait = retryPolicy.backoffDelay(afterAttempt: attempt)
                }
            } catch let error as HTTPFetchError {
                guard RetryPolicy.isRetryable(error), attempt <= retryPolicy.retries else {
                    // retryAfterTooLong, thrown above, counts its attempts itself.
                    if error.code == .retryAfterTooLong { throw error }
                    throw attempt > 1 ? .failedAfterAttempts(attempts: attempt, last: error) : error
                }
                reason = error.description
                wait = retryPolicy.backoffDelay(afterAttempt: attempt)
            }
            context.logger.info("retrying \(url) in \(String(format: "%.2f", wait)) s (attempt \(attempt + 1) of \(retryPolicy.retries + 1)): \(reason)")
            try await Task.sleep(for: .seconds(wait))
        }
    }

    // MARK: Proxies

    /// One request: to the site, or through the proxies (``ProxyPool``). Through them, the site's
    /// address is checked first (``DestinationPolicy/checkedTarget(url:hostName:)``: libcurl then
    /// connects to the proxy only); then the request goes through the proxy the rotation gives.
    /// A proxy that fails (``HTTPFetchError/Code/proxyFailed``) is left out for `proxyBackoff`
    /// for the whole run, and the request goes at once through the next proxy not yet tried: these
    /// tries are one attempt of the retry policy, with no backoff between them (the request never
    /// reached the site). When no proxy is left, the attempt fails with
    /// ``HTTPFetchError/Code/proxiesUnavailable``, naming each proxy (without its password) and
    /// why, which the retry policy retries after its backoff, as a network failure.
    private func send(
        _ url: String, host: (name: String, authority: String)?, schedule: HostSchedule, ledger: HostLedgerGate,
        acceptsAnyMediaType: Bool, truncatingBodyAt: Int?, headerLines: [String], recordingExchange: Bool, context: RunContext
    ) async throws -> HTTPTransferResult {
        let policy = destination(ofHostNamed: host?.name ?? "", context: context)
        guard let proxyPool else {
            return try await client.get(
                url, host: host?.authority, schedule: schedule, ledger: ledger, destination: policy, acceptsAnyMediaType: acceptsAnyMediaType,
                truncatingBodyAt: truncatingBodyAt, headerLines: headerLines, recordingExchange: recordingExchange)
        }
        guard let host else { throw HTTPFetchError.invalidURL(url) }
        let pinned = try await policy.checkedTarget(url: url, hostName: host.name)
        let health = context.services.value { ProxyHealth() }
        var tried: Set<Int> = []
        var failures: [HTTPProxy: String] = [:]
        while let (index, proxy) = proxyPool.choose(forHost: host.authority, excluding: tried, health: health) {
            tried.insert(index)
            let route = ProxyRoute(
                proxy: proxy, pinnedResolve: proxy.resolvesTargetLocally ? Self.resolveEntry(url: url, host: host, addresses: pinned) : nil)
            do {
                return try await client.get(
                    url, host: host.authority, schedule: schedule, ledger: ledger, destination: policy, proxy: route,
                    acceptsAnyMediaType: acceptsAnyMediaType, truncatingBodyAt: truncatingBodyAt, headerLines: headerLines,
                    recordingExchange: recordingExchange)
            } catch let error as HTTPFetchError where error.code == .proxyFailed {
                let wasUp = health.markDown(proxy, for: proxyPool.backoff)
                let code = error.curlCode ?? 0
                let reason = (error.reason ?? "failed") + (code == 0 ? "" : " (curl error \(code))")
                failures[proxy] = "failed: " + reason
                context.logger.log(
                    level: wasUp ? .warning : .debug,
                    "proxy \(proxy) failed for \(url): \(reason); left out for \(Self.seconds(proxyPool.backoff)) s, the request goes through the next"
                )
            }
        }
        let reasons = proxyPool.proxies.map { proxy -> (proxy: String, why: String) in
            if let failure = failures[proxy] { return (proxy.description, failure) }
            let remaining = health.remaining(proxy).map { "for \(Self.seconds($0)) s more" } ?? "for a moment more"
            return (proxy.description, "left out after a failure, \(remaining)")
        }
        throw HTTPFetchError.proxiesUnavailable(url: url, proxies: reasons)
    }

    /// A `CURLOPT_RESOLVE` entry (`name:port:address,…`) that pins `host`'s name to the `addresses`
    /// checked, or nil when none were resolved here (a literal address, a host allowed anyway).
    static func resolveEntry(url: String, host: (name: String, authority: String), addresses: [DestinationPolicy.Address]) -> String? {
        guard !addresses.isEmpty else { return nil }
        let port: String
        if host.authority != host.name, let colon = host.authority.lastIndex(of: ":") {
            port = String(host.authority[host.authority.index(after: colon)...])
        } else {
            port = url.prefix(6).lowercased() == "https:" ? "443" : "80"
        }
        let list = addresses.map { $0.bytes.count == 16 ? "[\($0)]" : $0.description }.joined(separator: ",")
        return "\(host.name):\(port):\(list)"
    }

    /// The `proxies` option's entries as proxies; throws for one that is not a proxy URL, naming it
    /// without its password.
    static func proxies(_ entries: [String]) throws -> [HTTPProxy] {
        try entries.enumerated().map { index, entry in
            do {
                return try HTTPProxy(parsing: entry.trimmingWhitespace())
            } catch {
                throw OptionError(option: Option.proxies.name, "has \"\(HTTPProxy.redacted(entry))\" (at [\(index)]), which \(error)")
            }
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// The run's ``HostLedgerGate``: the pipeline's other workers' politeness and robots.txt, when
    /// the run shares them (a PostgreSQL state), its failures warned about on the run's logger.
    static func ledger(_ context: RunContext) -> HostLedgerGate {
        let logger = context.logger
        return HostLedgerGate.of(context) { logger.warning("\($0)") }
    }

    /// `If-None-Match` and `If-Modified-Since` lines for a record's stored validators; a value with a
    /// line break (never from a parsed header) is left out.
    static func conditionalHeaderLines(_ conditional: ConditionalRequest?) -> [String] {
        guard let conditional else { return [] }
        var lines: [String] = []
        if let etag = conditional.etag, !etag.isEmpty, !containsLineBreak(etag) {
            lines.append("If-None-Match: \(etag)")
        }
        if let lastModified = conditional.lastModified, !lastModified.isEmpty, !containsLineBreak(lastModified) {
            lines.append("If-Modified-Since: \(lastModified)")
        }
        return lines
    }

    // MARK: robots.txt

    /// Throws ``HTTPFetchError/robotsDisallowed(url:rule:)`` when the origin's robots.txt disallows
    /// `url`, or ``HTTPFetchError/robotsUnreachable(url:reason:)`` when it could not be read,
    /// reading the file first if the run has not yet.
    private func checkRobots(_ url: String, context: RunContext) async throws {
        if let refusal = await robotsRefusal(of: url, context: context) { throw refusal }
    }

    /// Why robots.txt keeps this fetcher from `url`, or nil when it does not: its rules disallow the
    /// URL (``HTTPFetchError/robotsDisallowed(url:rule:)``) or it could not be read
    /// (``HTTPFetchError/robotsUnreachable(url:reason:)``).
    private func robotsRefusal(of url: String, context: RunContext) async -> HTTPFetchError? {
        guard obeysRobots, let target = RobotsCache.target(of: url) else { return nil }
        let rules = await rules(for: target, context: context)
        guard case .disallowed(let rule) = rules.verdict(forPath: target.pathAndQuery) else { return nil }
        if let reason = rules.disallowAllReason { return .robotsUnreachable(url: url, reason: reason) }
        return .robotsDisallowed(url: url, rule: rule)
    }

    /// The robots.txt rule that disallows `url`, or nil when robots.txt allows it or this fetcher
    /// does not obey robots.txt.
    func robotsRule(disallowing url: String, context: RunContext) async -> String? {
        guard obeysRobots, let target = RobotsCache.target(of: url) else { return nil }
        let rules = await rules(for: target, context: context)
        if case .disallowed(let rule) = rules.verdict(forPath: target.pathAndQuery) { return rule }
        return nil
    }

    /// The run's rules for the target's origin and this fetcher's user agent, read on first use:
    /// from the pipeline's ledger when another worker read the file (the rules then live as long
    /// as the others'), else from the site, and then kept in the ledger for the others, with the
    /// same lifetime.
    private func rules(for target: RobotsCache.Target, context: RunContext) async -> RobotsRules {
        let cache = context.services.value { RobotsCache() }
        return await cache.rules(for: target.origin, userAgent: userAgent) { [self] in
            let ledger = Self.ledger(context)
            if let stored = await ledger.robots(origin: target.origin, userAgent: userAgent, host: target.host) {
                let rules: RobotsRules
                switch stored.outcome {
                case .parsed: rules = RobotsRules(parsing: stored.text, userAgent: userAgent)
                case .allowAll: rules = .allowAll
                case .disallowAll: rules = .disallowAll(reason: stored.text)
                }
                context.logger.debug("robots.txt of \(target.origin) read by another worker of the pipeline")
                applyCrawlDelay(of: rules, target: target, context: context)
                let lifetime = Duration.seconds(max(0, stored.expires.timeIntervalSinceNow))
                return (rules, lifetime)
            }
            let loaded = await loadRobots(target, context: context)
            var lifetime = loaded.isFailure ? robotsFailureLifetime : RobotsCache.lifetime
            // No proxy could carry the read: the site was not asked, so the rules hold only until a
            // proxy may be back.
            if loaded.proxiesFailed, let proxyPool { lifetime = min(lifetime, proxyPool.backoff) }
            // A read this worker gave up (cancelled), or that its proxies could not carry, says
            // nothing about the site: not shared.
            if ledger.ledger != nil, !loaded.wasCancelled, !loaded.proxiesFailed {
                let outcome: StoredRobots.Outcome
                let text: String
                if let reason = loaded.rules.disallowAllReason {
                    (outcome, text) = (.disallowAll, reason)
                } else if let parsedText = loaded.text {
                    (outcome, text) = (.parsed, parsedText)
                } else {
                    (outcome, text) = (.allowAll, "")
                }
                let expires = Date().addingTimeInterval(Double(lifetime.components.seconds))
                await ledger.storeRobots(
                    StoredRobots(outcome: outcome, text: text, expires: expires), origin: target.origin, userAgent: userAgent, host: target.host)
            }
            return (loaded.rules, lifetime)
        }
    }

    /// The most of a robots.txt that is read: RFC 9309 §2.5 asks crawlers to parse at least 500 KiB.
    /// A longer file is cut there (at its last whole line), not refused, whatever `maxBytes` says.
    static let robotsMaxBytes = 500 * 1024

    /// Reads and parses an origin's robots.txt with the fetcher's own client, retries and delay, and
    /// gives its Crawl-delay to the run's host schedule. RFC 9309 §2.3.1: a 2xx is parsed, a 4xx
    /// means no rules (429 is treated as a server error), a 5xx or a network failure disallows
    /// everything. Only the first ``robotsMaxBytes`` are downloaded (§2.5).
    /// `text`: the file's text as parsed (for a 2xx), for the pipeline's other workers;
    /// `wasCancelled`: the read was cancelled (its disallowing is this worker's only);
    /// `proxiesFailed`: no proxy was available for it (``HTTPFetchError/Code/proxiesUnavailable``).
    private func loadRobots(_ target: RobotsCache.Target, context: RunContext) async -> (
        rules: RobotsRules, isFailure: Bool, text: String?, wasCancelled: Bool, proxiesFailed: Bool
    ) {
        let rules: RobotsRules
        var isFailure = false
        var parsedText: String?
        var wasCancelled = false
        var proxiesFailed = false
        do {
            // RFC 9309 §2.3.1.2: redirects are followed (at least five), robots.txt being always allowed.
            let (result, _) = try await follow(
                target.robotsURL, acceptsAnyMediaType: true, truncatingBodyAt: Self.robotsMaxBytes,
                checksRobots: false, context: context)
            switch result.status {
            case 200..<300:
                let contentType = result.headers.last { $0.name == "content-type" }?.value
                var body = result.body[...]
                if result.isTruncated {
                    // A line cut in the middle could disallow more than the file does.
                    body = body[..<(body.lastIndex(of: UInt8(ascii: "\n")) ?? body.startIndex)]
                    context.logger.notice("robots.txt of \(target.origin) is longer than \(Self.robotsMaxBytes) bytes; its first \(body.count) are parsed")
                }
                // robots.txt is UTF-8 (RFC 9309 §2.3); a declared charset still wins.
                let text = TextDecoding.decode(Array(body), contentType: contentType).text
                rules = RobotsRules(parsing: text, userAgent: userAgent)
                parsedText = text
            case 400..<500 where result.status != 429:
                rules = .allowAll
            default:
                isFailure = true
                rules = .disallowAll(reason: "everything: \(target.robotsURL) answered HTTP status \(result.status)")
            }
        } catch is CancellationError {
            isFailure = true
            wasCancelled = true
            rules = .disallowAll(reason: "everything: reading \(target.robotsURL) was cancelled")
        } catch {
            isFailure = true
            var cause = error as? HTTPFetchError
            while let current = cause, current.code != .proxiesUnavailable { cause = current.wrapped }
            proxiesFailed = cause != nil
            rules = .disallowAll(reason: "everything: \(target.robotsURL) is unreachable: \(error)")
        }
        if isFailure, let reason = rules.disallowAllReason {
            let again = proxiesFailed ? min(robotsFailureLifetime, proxyPool?.backoff ?? robotsFailureLifetime) : robotsFailureLifetime
            context.logger.warning("robots.txt of \(target.origin) disallows \(reason); read again in \(again)")
        }
        applyCrawlDelay(of: rules, target: target, context: context)
        return (rules, isFailure, parsedText, wasCancelled, proxiesFailed)
    }

    /// Gives the rules' Crawl-delay to the run's host schedule.
    private func applyCrawlDelay(of rules: RobotsRules, target: RobotsCache.Target, context: RunContext) {
        if let crawlDelay = rules.crawlDelay, crawlDelay > 0 {
            if crawlDelay > maxCrawlDelay {
                context.logger.notice("robots.txt of \(target.origin) asks for a Crawl-delay of \(crawlDelay) s; using maxCrawlDelay (\(maxCrawlDelay) s)")
            }
            context.services.value { HostSchedule() }.setCrawlDelay(.seconds(crawlDelay), forHost: target.host)
        }
    }

    /// Media types no text step can use: images, audio, video, PDF, archives and unnamed binaries.
    /// Anything else (HTML, XML, JSON, plain text, unknown text-like types) is decoded.
    public static func isBinaryMediaType(_ mediaType: String) -> Bool {
        binaryMediaTypes.contains(mediaType) || binaryMediaTypePrefixes.contains { mediaType.hasPrefix($0) }
    }

    private static let binaryMediaTypePrefixes = ["image/", "audio/", "video/", "font/"]
    private static let binaryMediaTypes: Set<String> = [
        "application/pdf", "application/zip", "application/gzip", "application/x-gzip",
        "application/x-tar", "application/x-7z-compressed", "application/x-rar-compressed",
        "application/vnd.rar", "application/octet-stream",
    ]

    // MARK: Options

    /// An integer option; the loader has checked the declared range, this checks again for fetchers
    /// built directly from code.

    /// `Name: value` lines: the defaults, replaced or joined by the option's headers (names compared
    /// without case). Names must be HTTP tokens and values single lines.
    private static func headerLines(_ extra: [String: String]) throws -> [String] {
        var lines: [String] = []
        let extraNames = Set(extra.keys.map { $0.lowercased() })
        for header in defaultHeaders where !extraNames.contains(header.name.lowercased()) {
            lines.append("\(header.name): \(header.value)")
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(isTokenCharacter) else {
                throw OptionError(option: "headers", "has an invalid header name: \"\(name)\"")
            }
            guard !containsLineBreak(value) else {
                throw OptionError(option: "headers", "has a line break in the value of \"\(name)\"")
            }
            // "Name;" is libcurl's way to send a header with an empty value ("Name:" removes it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        return lines
    }

    /// RFC 9110 token characters.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F else { return false }
        return !"\"(),/:;<=>?@[\\]{}".unicodeScalars.contains(scalar)
    }

    private static func containsLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }
}

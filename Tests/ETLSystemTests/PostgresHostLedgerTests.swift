import ETLKit
import ETLPostgres
import ETLTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ETLPlugins

/// Politeness and robots.txt shared by the workers of one pipeline through its PostgreSQL state
/// (``PostgresHostLedger``, `etl_hosts` and `etl_robots`), against the suite's PostgreSQL server
/// and a loopback HTTP server whose log of arrivals is the evidence. Two workers are two
/// ``PipelineRunner``s, each with a ``PostgresStateStore`` of its own (its own connections, its
/// own run services: schedule and robots.txt cache), on one database.
///
/// Only lower bounds on time are checked: a loaded machine makes everything slower, never a
/// gap shorter.
@Suite(.serialized, .postgresServer) struct PostgresHostLedgerTests {
    var server: PostgresServer {
        get throws { try #require(PostgresServer.current, "the suite's PostgreSQL server") }
    }

    // MARK: The ledger on its own

    /// Two ledgers (two connections, as two workers) reserving at once: the starts they get are
    /// never closer than the interval, and the host's row chains them all (no lost reservation).
    @Test func concurrentReservationsKeepTheInterval() async throws {
        let url = try server.createDatabase()
        let first = try await PostgresStateStore.open(url: url)
        let second = try await PostgresStateStore.open(url: url)
        let ledgers = [try #require(first.hostLedger), try #require(second.hostLedger)]
        let connection = try PostgresConnection(url: url)
        let serverBefore = try #require(Double(connection.execute("SELECT extract(epoch FROM clock_timestamp())::float8").scalar ?? ""))
        let interval = Duration.milliseconds(300)
        let perLedger = 5

        /// When a reservation was asked for and answered, and the wait it gave.
        struct Reservation: Sendable {
            var asked: ContinuousClock.Instant
            var answered: ContinuousClock.Instant
            var wait: Duration
        }
        let reservations = try await withThrowingTaskGroup(of: [Reservation].self) { group in
            for ledger in ledgers {
                group.addTask {
                    var made: [Reservation] = []
                    for _ in 0..<perLedger {
                        let asked = ContinuousClock.now
                        let wait = try await ledger.reserveStart(host: "news.example", interval: interval)
                        made.append(Reservation(asked: asked, answered: .now, wait: wait))
                    }
                    return made
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(reservations.count == 2 * perLedger)
        #expect(reservations.allSatisfy { $0.wait >= .zero })

        // The server's own clock: every reservation was chained after the one before, so the
        // host's next start is the whole chain after the first start, which was no earlier
        // than the moment the test began. A lost update (two reservers reading one next start)
        // would leave it short.
        let row = try connection.execute(
            "SELECT extract(epoch FROM next_start)::float8, extract(epoch FROM next_start - last_start)::float8 FROM etl_hosts WHERE host = 'news.example'"
        ).rows.first
        let nextStart = try #require(row?[0].flatMap(Double.init))
        let lastInterval = try #require(row?[1].flatMap(Double.init))
        // (Times as float8 seconds since 1970 keep about a microsecond.)
        #expect(nextStart - serverBefore >= 0.3 * Double(2 * perLedger) - 0.000_01, "\(nextStart - serverBefore)")
        #expect(lastInterval >= 0.3)

        // Seen from here: each start lies between the asking plus its wait and the answer plus
        // its wait (the server's clock read in between), so the latest the later one can be
        // minus the earliest the one before can be is at least the interval when the true gap is.
        // Sorted by either bound alike: a round trip is far shorter than the interval.
        let sorted = reservations.sorted { $0.asked + $0.wait < $1.asked + $1.wait }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            let most = (later.answered + later.wait) - (earlier.asked + earlier.wait)
            #expect(most >= interval, "at most \(most) apart")
        }
        try await first.close()
        try await second.close()
    }

    /// A hold (Retry-After) delays every reservation until it ends, and a shorter one does not
    /// shorten it; a request with a longer interval keeps it before itself too.
    @Test func holdsAndLongerIntervalsDelayReservations() async throws {
        let url = try server.createDatabase()
        let store = try await PostgresStateStore.open(url: url)
        let ledger = try #require(store.hostLedger)
        try await ledger.hold(host: "busy.example", for: .seconds(2))
        try await ledger.hold(host: "busy.example", for: .milliseconds(100))
        #expect(try await ledger.reserveStart(host: "busy.example", interval: .zero) >= .milliseconds(1500))
        #expect(try await ledger.reserveStart(host: "other.example", interval: .milliseconds(100)) == .zero)
        // The last start asked for 0.1 s; the next asks for 1 s, and gets it after that start.
        #expect(try await ledger.reserveStart(host: "other.example", interval: .seconds(1)) >= .milliseconds(800))
        try await store.close()
    }

    /// Rows that hold nothing back any more (a host last asked for two days ago, a robots.txt
    /// that expired two days ago) are deleted when a worker opens the state; recent ones stay.
    /// Without the pruning the tables keep every host ever crawled.
    @Test func staleHostsAndRobotsArePrunedWhenAWorkerStarts() async throws {
        let url = try server.createDatabase()
        try await PostgresStateStore.open(url: url).close()
        let connection = try PostgresConnection(url: url)
        _ = try connection.execute(
            """
            INSERT INTO etl_hosts (host, last_start, next_start) VALUES
                ('old.example', now() - interval '2 days', now() - interval '2 days'),
                ('held-long-ago.example', NULL, now() - interval '3 days'),
                ('recent.example', now() - interval '1 hour', now() - interval '1 hour'),
                ('held.example', NULL, now() + interval '1 hour')
            """)
        _ = try connection.execute(
            """
            INSERT INTO etl_robots (origin, user_agent, outcome, text, expires) VALUES
                ('https://old.example:443', 'etl', 'allowAll', '', now() - interval '2 days'),
                ('https://recent.example:443', 'etl', 'parsed', 'User-agent: *', now() - interval '1 hour'),
                ('https://live.example:443', 'etl', 'parsed', 'User-agent: *', now() + interval '1 day')
            """)
        try await PostgresStateStore.open(url: url).close()
        let hosts = try connection.execute("SELECT host FROM etl_hosts ORDER BY host").rows.compactMap { $0.first ?? nil }
        #expect(hosts == ["held.example", "recent.example"])
        let origins = try connection.execute("SELECT origin FROM etl_robots ORDER BY origin").rows.compactMap { $0.first ?? nil }
        #expect(origins == ["https://live.example:443", "https://recent.example:443"])
    }

    /// A database that hangs does not hang the requests: a reservation that cannot get its
    /// host's row (another session holds it locked in an open transaction) fails after the
    /// ledger's statement timeout, and the ledger works again once the row is free. Without the
    /// timeout the reservation waits as long as the lock is held (here 20 s).
    @Test func aHangingDatabaseFailsAReservationAfterTheTimeout() async throws {
        let url = try server.createDatabase()
        let store = try await PostgresStateStore.open(url: url)
        try await store.close()
        let ledger = try await PostgresHostLedger.open(url: url, statementTimeout: .milliseconds(500))
        _ = try await ledger.reserveStart(host: "stuck.example", interval: .milliseconds(10))
        let holder = try PostgresConnection(url: url)
        _ = try holder.execute("BEGIN")
        _ = try holder.execute("SELECT host FROM etl_hosts WHERE host = 'stuck.example' FOR UPDATE")
        let release = Task.detached {
            try? await Task.sleep(for: .seconds(20))
            _ = try? holder.execute("ROLLBACK")
        }
        let started = ContinuousClock.now
        await #expect(throws: PostgresStateStoreError.self) {
            _ = try await ledger.reserveStart(host: "stuck.example", interval: .milliseconds(10))
        }
        #expect(ContinuousClock.now - started < .seconds(10), "\(ContinuousClock.now - started)")
        #expect(try await ledger.reserveStart(host: "free.example", interval: .milliseconds(10)) == .zero)
        release.cancel()
        _ = try? await release.value
        await ledger.close()
    }

    /// robots.txt: the first worker to ask gets nil (and reads the file); one that asks
    /// meanwhile waits for what the first stores, and gets it; an expired file is read again.
    @Test func robotsAreClaimedStoredAndShared() async throws {
        let url = try server.createDatabase()
        let first = try await PostgresStateStore.open(url: url)
        let second = try await PostgresStateStore.open(url: url)
        let reader = try #require(first.hostLedger)
        let waiter = try #require(second.hostLedger)
        let origin = "https://news.example:443"
        #expect(try await reader.robots(origin: origin, userAgent: "etl") == nil)
        let waiting = Task { try await waiter.robots(origin: origin, userAgent: "etl") }
        try await Task.sleep(for: .milliseconds(300))
        let stored = StoredRobots(outcome: .parsed, text: "User-agent: *\nDisallow: /private/\n", expires: Date(timeIntervalSinceNow: 3600))
        try await reader.storeRobots(stored, origin: origin, userAgent: "etl")
        let seen = try #require(try await waiting.value)
        #expect(seen.outcome == .parsed && seen.text == stored.text)
        #expect(abs(seen.expires.timeIntervalSince(stored.expires)) < 0.001)
        // Another user agent has its own row.
        #expect(try await waiter.robots(origin: origin, userAgent: "other") == nil)
        // Expired: claimed again.
        try await reader.storeRobots(StoredRobots(outcome: .allowAll, text: "", expires: Date(timeIntervalSinceNow: -1)), origin: origin, userAgent: "etl")
        #expect(try await waiter.robots(origin: origin, userAgent: "etl") == nil)
        try await first.close()
        try await second.close()
    }

    /// What one reservation costs: a round trip and an upsert (printed; no bound checked).
    @Test func aReservationIsOneRoundTrip() async throws {
        let url = try server.createDatabase()
        let store = try await PostgresStateStore.open(url: url)
        let ledger = try #require(store.hostLedger)
        let count = 200
        let started = ContinuousClock.now
        for index in 0..<count { _ = try await ledger.reserveStart(host: "host\(index % 10).example", interval: .zero) }
        let each = (ContinuousClock.now - started) / count
        print("PostgresHostLedger: one reservation takes \(each) (mean of \(count), sequential, loopback)")
        try await store.close()
    }

    // MARK: Two workers

    /// A pipeline fetching `paths` of `server` into `folder`.
    func pipeline(_ paths: [String], of site: TestHTTPServer, into folder: TemporaryFolder, fetch: String) throws -> Pipeline {
        let urls = paths.map { "\"\(site.url($0))\"" }.joined(separator: ", ")
        return try PipelineLoader(registry: .builtins, environment: [:]).load(
            text: """
                {"sources": [{"use": "urls", "urls": [\(urls)]}],
                 "fetch": [\(fetch)],
                 "steps": [],
                 "sinks": [{"use": "jsonl", "path": "\(folder.path("pages.jsonl"))"}],
                 "deadLetters": {"use": "jsonl", "path": "\(folder.path("dead.jsonl"))"}}
                """)
    }

    /// Runs the pipelines at once, each with its own state store; returns their summaries.
    func runTogether(_ pipelines: [Pipeline], stores: [any StateStore], logger: Logger = Logger(label: "etl.tests.ledger")) async throws -> [RunSummary] {
        try await withThrowingTaskGroup(of: RunSummary.self) { group in
            for (pipeline, store) in zip(pipelines, stores) {
                group.addTask { try await PipelineRunner(pipeline: pipeline, logger: logger, stateStore: store).run() }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Gaps between consecutive arrivals at the server.
    static func gaps(_ site: TestHTTPServer, excluding path: String? = nil) -> [Duration] {
        let arrivals = site.exchanges.filter { $0.request.path != path }.map(\.request.arrival).sorted()
        return zip(arrivals.dropFirst(), arrivals).map { $0 - $1 }
    }

    /// Two runs fetching one host at once with a delay of 0.3 s: the server never sees two of
    /// their requests closer than that. The same two runs with a state each in a file (no ledger)
    /// do, which shows what the test tells apart.
    @Test func twoRunsKeepOneDelayPerHost() async throws {
        let url = try server.createDatabase()
        let fetch = #"{"use": "http", "delay": 0.3, "robots": false, "retries": 0}"#
        try await TestHTTPServer.run(routes: { request in .html("<p>\(request.path)</p>") }) { site in
            let folders = [try TemporaryFolder(), try TemporaryFolder()]
            defer { folders.forEach { $0.remove() } }
            let pipelines = [
                try pipeline((1...5).map { "/a/\($0)" }, of: site, into: folders[0], fetch: fetch),
                try pipeline((1...5).map { "/b/\($0)" }, of: site, into: folders[1], fetch: fetch),
            ]
            let stores: [any StateStore] = [try await PostgresStateStore.open(url: url), try await PostgresStateStore.open(url: url)]
            let summaries = try await runTogether(pipelines, stores: stores)
            for store in stores { try await store.close() }
            // One frontier: the ten URLs are shared out between the runs, each written once.
            #expect(summaries.map(\.written).reduce(0, +) == 10 && summaries.allSatisfy { $0.deadLetters == 0 }, "\(summaries)")
            #expect(site.exchanges.count == 10)
            let gaps = Self.gaps(site)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(300) }, "\(gaps)")

            // Without the ledger each run keeps its own delay only: the two runs' requests come
            // closer than it.
            let before = site.exchanges.count
            let files: [any StateStore] = [
                try SQLiteStateStore(path: folders[0].path("state.sqlite")), try SQLiteStateStore(path: folders[1].path("state.sqlite")),
            ]
            _ = try await runTogether(pipelines, stores: files)
            for store in files { try await store.close() }
            let arrivals = site.exchanges.dropFirst(before).map(\.request.arrival).sorted()
            #expect(arrivals.count == 10)
            #expect(zip(arrivals.dropFirst(), arrivals).contains { $0 - $1 < .milliseconds(300) }, "the control run kept the delay: the test cannot tell")
        }
    }

    /// A Retry-After one run got holds the host for the other: its first request arrives no
    /// sooner than the hold ends, although its own delay is zero.
    @Test func retryAfterFromOneRunHoldsTheOther() async throws {
        let url = try server.createDatabase()
        let busyAnswers = Mutex(0)
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            if request.path == "/busy",
                busyAnswers.withLock({
                    $0 += 1
                    return $0
                }) == 1
            {
                return TestResponse(status: 503, headers: [(name: "retry-after", value: "2")], body: Array("busy".utf8))
            }
            return .html("<p>\(request.path)</p>")
        }
        try await TestHTTPServer.run(routes: routes) { site in
            let folders = [try TemporaryFolder(), try TemporaryFolder()]
            defer { folders.forEach { $0.remove() } }
            let fetch = #"{"use": "http", "delay": 0, "robots": false, "retries": 1}"#
            let first = try await PostgresStateStore.open(url: url)
            let second = try await PostgresStateStore.open(url: url)
            let firstRun = Task { try await runTogether([try pipeline(["/busy"], of: site, into: folders[0], fetch: fetch)], stores: [first]) }
            // The hold is in the ledger (so the second run cannot start before it is written).
            let connection = try PostgresConnection(url: url)
            let deadline = ContinuousClock.now + .seconds(30)
            while try connection.execute("SELECT count(*) FROM etl_hosts WHERE next_start > clock_timestamp() + interval '1 second'").scalar != "1" {
                try #require(ContinuousClock.now < deadline, "no hold in etl_hosts")
                try await Task.sleep(for: .milliseconds(20))
            }
            let secondSummaries = try await runTogether([try pipeline(["/other"], of: site, into: folders[1], fetch: fetch)], stores: [second])
            let firstSummaries = try await firstRun.value
            try await first.close()
            try await second.close()
            #expect(firstSummaries.first?.written == 1 && secondSummaries.first?.written == 1)
            let busy = try #require(site.exchanges.first { $0.request.path == "/busy" })
            let other = try #require(site.exchanges.first { $0.request.path == "/other" })
            #expect(other.request.arrival - busy.request.arrival >= .seconds(2), "\(other.request.arrival - busy.request.arrival)")
        }
    }

    /// Two runs starting at once read robots.txt once between them; both obey it (nothing under
    /// /private/ requested) and its Crawl-delay (0.4 s, longer than their delay) spaces the
    /// requests of both.
    @Test func twoRunsReadRobotsOnce() async throws {
        let url = try server.createDatabase()
        let robots = "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.4\n"
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            if request.path == "/robots.txt" {
                return TestResponse(headers: [(name: "content-type", value: "text/plain")], body: Array(robots.utf8))
            }
            return .html("<p>\(request.path)</p>")
        }
        try await TestHTTPServer.run(routes: routes) { site in
            let folders = [try TemporaryFolder(), try TemporaryFolder()]
            defer { folders.forEach { $0.remove() } }
            let fetch = #"{"use": "http", "delay": 0.05, "retries": 0}"#
            let pipelines = [
                try pipeline(["/a/1", "/a/2", "/private/a"], of: site, into: folders[0], fetch: fetch),
                try pipeline(["/b/1", "/b/2", "/private/b"], of: site, into: folders[1], fetch: fetch),
            ]
            let stores: [any StateStore] = [try await PostgresStateStore.open(url: url), try await PostgresStateStore.open(url: url)]
            let summaries = try await runTogether(pipelines, stores: stores)
            for store in stores { try await store.close() }
            let paths = site.exchanges.map(\.request.path)
            #expect(paths.filter { $0 == "/robots.txt" }.count == 1, "\(paths)")
            #expect(!paths.contains { $0.hasPrefix("/private/") }, "\(paths)")
            // One frontier: the six URLs are shared out between the runs.
            #expect(summaries.map(\.written).reduce(0, +) == 4 && summaries.map(\.deadLetters).reduce(0, +) == 2, "\(summaries)")
            let gaps = Self.gaps(site)
            #expect(gaps.allSatisfy { $0 >= .milliseconds(400) }, "\(gaps)")
            let connection = try PostgresConnection(url: url)
            #expect(try connection.execute("SELECT outcome FROM etl_robots").scalar == "parsed")
        }
    }

    /// A robots.txt that failed (503: everything disallowed) is shared for the failure's
    /// lifetime (5 minutes), not 24 hours: a later run does not ask the site again, and refuses
    /// its URLs as the first did.
    @Test func aFailedRobotsIsSharedForItsShortLifetime() async throws {
        let url = try server.createDatabase()
        let routes: @Sendable (TestRequest) -> TestResponse = { request in
            request.path == "/robots.txt" ? TestResponse(status: 503, body: Array("down".utf8)) : .html("<p>\(request.path)</p>")
        }
        try await TestHTTPServer.run(routes: routes) { site in
            let folders = [try TemporaryFolder(), try TemporaryFolder()]
            defer { folders.forEach { $0.remove() } }
            let fetch = #"{"use": "http", "delay": 0, "retries": 0}"#
            for (index, path) in ["/a", "/b"].enumerated() {
                let store = try await PostgresStateStore.open(url: url)
                let summaries = try await runTogether([try pipeline([path], of: site, into: folders[index], fetch: fetch)], stores: [store])
                try await store.close()
                #expect(summaries.first?.deadLetters == 1, "\(summaries)")
            }
            #expect(site.exchanges.map(\.request.path) == ["/robots.txt"])
            let connection = try PostgresConnection(url: url)
            let row = try connection.execute(
                "SELECT outcome, extract(epoch FROM expires - clock_timestamp())::float8 FROM etl_robots"
            ).rows.first
            #expect(row?[0] == "disallowAll")
            let left = try #require(row?[1].flatMap(Double.init))
            #expect(left > 0 && left <= 300, "\(left)")
        }
    }

    /// A ledger that fails (its database gone) is warned about once per host, and the pages are
    /// fetched with the run's own politeness.
    @Test func aFailingLedgerLeavesTheRunsOwnPoliteness() async throws {
        struct Broken: HostLedger {
            struct Failure: Error, CustomStringConvertible { var description: String { "the database is away" } }
            func reserveStart(host: String, interval: Duration) async throws -> Duration { throw Failure() }
            func hold(host: String, for duration: Duration) async throws { throw Failure() }
            func robots(origin: String, userAgent: String) async throws -> StoredRobots? { throw Failure() }
            func storeRobots(_ robots: StoredRobots, origin: String, userAgent: String) async throws { throw Failure() }
        }
        final class BrokenStore: StateStore {
            func entry(for url: String) async throws -> StateEntry? { nil }
            func record(_ entry: StateEntry) async throws {}
            func close() async throws {}
            var hostLedger: (any HostLedger)? { Broken() }
        }
        try await TestHTTPServer.run(routes: { request in .html("<p>\(request.path)</p>") }) { site in
            let folder = try TemporaryFolder()
            defer { folder.remove() }
            let capture = LogCapture()
            let fetch = #"{"use": "http", "delay": 0.2, "retries": 0}"#
            let summaries = try await runTogether(
                [try pipeline(["/1", "/2", "/3"], of: site, into: folder, fetch: fetch)], stores: [BrokenStore()], logger: capture.logger)
            #expect(summaries.first?.written == 3, "\(summaries)")
            let warnings = capture.messages(at: .warning).filter { $0.contains("shared politeness") }
            #expect(warnings.count == 1, "\(warnings)")
            #expect(Self.gaps(site).allSatisfy { $0 >= .milliseconds(200) })
        }
    }
}

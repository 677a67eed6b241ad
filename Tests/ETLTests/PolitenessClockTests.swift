import ETLHTTP
import ETLTestSupport
import Synchronization
import Testing

/// The host schedule and the robots.txt cache on virtual time: every interval checked exactly,
/// with no sleeping and no upper bound a slow machine could break.
@Suite struct PolitenessClockTests {
    final class Client {}

    let time = VirtualTime()
    let schedule: HostSchedule
    let client = Client(), other = Client()

    init() {
        schedule = HostSchedule(now: time.clock)
    }

    func admit(
        _ host: String = "example.ir", by client: Client? = nil, delay: Duration, perHost: Int = 4,
        maxCrawlDelay: Duration = .seconds(30)
    ) -> HostSchedule.Admission {
        schedule.admit(host, perHost: perHost, delay: delay, maxCrawlDelay: maxCrawlDelay, client: ObjectIdentifier(client ?? self.client), waker: {})
    }

    @Test func aRequestWaitsItsIntervalAndTheMarginThenStarts() {
        #expect(admit(delay: .seconds(5)) == .start)
        schedule.release("example.ir")
        let due = time.at(.seconds(5) + HostSchedule.margin(for: .seconds(5)))
        #expect(admit(delay: .seconds(5)) == .wait(until: due))
        time.advance(by: .seconds(5))
        #expect(admit(delay: .seconds(5)) == .wait(until: due))
        time.advance(by: HostSchedule.margin(for: .seconds(5)))
        #expect(admit(delay: .seconds(5)) == .start)
    }

    @Test func theLongerIntervalOfTwoClientsHolds() {
        #expect(admit(by: client, delay: .seconds(5)) == .start)
        // The other client's own delay is 0.1 s, but the request before it asked for 5 s.
        #expect(admit(by: other, delay: .milliseconds(100)) == .wait(until: time.at(.seconds(5) + HostSchedule.margin(for: .seconds(5)))))
        // Another host is not held back.
        #expect(admit("other.ir", by: other, delay: .seconds(5)) == .start)
    }

    @Test func theIntervalCountsFromWhenTheRequestWasSent() {
        #expect(admit(delay: .seconds(1)) == .start)
        // Connection set-up took 3 s: the next request counts from the moment libcurl sent this one.
        time.advance(by: .seconds(3))
        schedule.markStarted("example.ir")
        #expect(admit(delay: .seconds(1)) == .wait(until: time.at(.seconds(4) + HostSchedule.margin(for: .seconds(1)))))
    }

    @Test func aCrawlDelayCountsUpToEachClientsCap() {
        schedule.setCrawlDelay(.seconds(60), forHost: "crawl.ir")
        #expect(admit("crawl.ir", delay: .zero, maxCrawlDelay: .seconds(2)) == .start)
        #expect(admit("crawl.ir", delay: .zero, maxCrawlDelay: .seconds(2)) == .wait(until: time.at(.seconds(2) + HostSchedule.margin(for: .seconds(2)))))
        // A client that obeys longer Crawl-delays waits the host's whole 60 s.
        #expect(
            admit("crawl.ir", by: other, delay: .zero, maxCrawlDelay: .seconds(120))
                == .wait(until: time.at(.seconds(60) + HostSchedule.margin(for: .seconds(60)))))
    }

    @Test func aRetryAfterHoldIsExtendedNeverShortened() {
        schedule.hold("example.ir", until: time.at(.seconds(30)))
        #expect(admit(delay: .zero) == .wait(until: time.at(.seconds(30))))
        schedule.hold("example.ir", until: time.at(.seconds(10)))
        #expect(admit(delay: .zero) == .wait(until: time.at(.seconds(30))))
        time.advance(by: .seconds(30))
        #expect(admit(delay: .zero) == .start)
    }

    @Test func aBusyHostAnswersBusyNotWait() {
        #expect(admit(delay: .zero, perHost: 1) == .start)
        #expect(admit(by: other, delay: .zero, perHost: 1) == .busy)
        schedule.release("example.ir")
        #expect(admit(by: other, delay: .zero, perHost: 1) == .start)
    }

    @Test func robotsRulesAreReadOnceAndAgainWhenTheirLifetimeIsOver() async {
        let cache = RobotsCache(now: time.clock)
        let loads = Mutex(0)
        let load: @Sendable () async -> (rules: RobotsRules, lifetime: Duration) = {
            loads.withLock { $0 += 1 }
            return (RobotsRules(parsing: "User-agent: *\nDisallow: /private/", userAgent: "etl"), .seconds(3600))
        }
        let first = await cache.rules(for: "https://example.ir:443", userAgent: "etl", load: load)
        #expect(!first.allows("/private/x") && first.allows("/news/1"))
        time.advance(by: .seconds(3599))
        _ = await cache.rules(for: "https://example.ir:443", userAgent: "etl", load: load)
        #expect(loads.withLock { $0 } == 1)
        time.advance(by: .seconds(1))
        _ = await cache.rules(for: "https://example.ir:443", userAgent: "etl", load: load)
        #expect(loads.withLock { $0 } == 2)
        // Another user agent has rules of its own.
        _ = await cache.rules(for: "https://example.ir:443", userAgent: "other", load: load)
        #expect(loads.withLock { $0 } == 3)
    }
}

import ETLKit
import Foundation
import Synchronization

/// The per-host politeness of one run, shared by every HTTP client in it: the pipeline's `http`
/// fetcher, the `crawl` source's fetcher and the downloads of the `sitemap` and `feed` sources.
///
/// One schedule per run (``RunServices``), so a site is asked no faster because a run reads it
/// through several sources. For each host it knows the transfers in progress, when the last
/// request started and what interval that request asked to keep, the host's robots.txt
/// Crawl-delay and any hold from a Retry-After. A client asks ``admit(_:perHost:delay:maxCrawlDelay:waker:)``
/// before handing a request to libcurl and ``release(_:)`` when the transfer ends.
///
/// **Intervals between clients.** Each request brings its own `delay` (its plugin's option); the
/// gap before it is the larger of its own interval and the interval of the request that started
/// last, so two clients with delays of 1 s and 5 s never start requests to one host less than 5 s
/// apart, whichever goes first. The host's Crawl-delay, capped by each request's `maxCrawlDelay`,
/// is part of its interval.
///
/// **Hosts.** A host is its lower-case name plus the port when the port is not the scheme's default,
/// so `http://example.ir` and `https://example.ir` are one host, and two servers on different ports of
/// one machine (test servers on 127.0.0.1) are two.
package final class HostSchedule: Sendable {
    /// The answer to a request that wants to start.
    package enum Admission: Equatable {
        /// Start now: a transfer slot of the host is taken and must be given back with ``HostSchedule/release(_:)``.
        case start
        /// The host has `perHost` transfers in progress; the waker is called when one ends.
        case busy
        /// The host's interval or hold is not over: try again at this instant.
        case wait(until: ContinuousClock.Instant)
    }

    private struct HostState {
        var active = 0
        /// When the last request to the host started (provisionally, from admission, until libcurl
        /// is about to send it: ``markStarted(_:)``).
        var lastStart: ContinuousClock.Instant?
        /// The interval the last request asked to keep after it.
        var lastInterval: Duration = .zero
        /// The host's robots.txt Crawl-delay, uncapped.
        var crawlDelay: Duration = .zero
        /// No request starts before this (Retry-After).
        var notBefore: ContinuousClock.Instant?
        /// Clients waiting for a slot of this host, by client.
        var wakers: [ObjectIdentifier: @Sendable () -> Void] = [:]

        func isForgettable(at now: ContinuousClock.Instant) -> Bool {
            active == 0 && wakers.isEmpty && crawlDelay == .zero
                && (notBefore.map { $0 <= now } ?? true)
                && (lastStart.map { now - $0 > lastInterval + HostSchedule.margin(for: lastInterval) } ?? true)
        }
    }

    private let hosts = Mutex<[String: HostState]>([:])
    /// The time it goes by: the continuous clock, or a virtual one in tests.
    private let now: @Sendable () -> ContinuousClock.Instant

    /// A schedule on `now`: the continuous clock unless a test brings virtual time.
    package init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// The host of an http(s) URL as the schedule names it (see the type's discussion), or nil for
    /// any other URL.
    package static func host(of url: String) -> String? {
        URLHost.authority(of: url)
    }

    /// Whether a request to `host` may start now. `delay` is the requesting client's least interval
    /// between request starts, `maxCrawlDelay` the longest Crawl-delay it obeys; `waker` is kept
    /// and called once when the host's `perHost` limit was the obstacle and a slot frees.
    package func admit(_ host: String, perHost: Int, delay: Duration, maxCrawlDelay: Duration, client: ObjectIdentifier, waker: @escaping @Sendable () -> Void)
        -> Admission
    {
        let now = now()
        return hosts.withLock { hosts in
            // In place (one hash of the host, no copy of its state): this runs for every request.
            Self.admit(
                &hosts[host, default: HostState()], now: now, perHost: perHost, delay: delay, maxCrawlDelay: maxCrawlDelay,
                client: client, waker: waker)
        }
    }

    private static func admit(
        _ state: inout HostState, now: ContinuousClock.Instant, perHost: Int, delay: Duration, maxCrawlDelay: Duration,
        client: ObjectIdentifier, waker: @escaping @Sendable () -> Void
    ) -> Admission {
        guard state.active < perHost else {
            state.wakers[client] = waker
            return .busy
        }
        let interval = max(delay, min(state.crawlDelay, maxCrawlDelay))
        var earliest = state.notBefore
        if let lastStart = state.lastStart {
            let gap = max(interval, state.lastInterval)
            if gap > .zero {
                let next = lastStart + gap + Self.margin(for: gap)
                earliest = max(earliest ?? next, next)
            }
        }
        if let earliest, earliest > now { return .wait(until: earliest) }
        state.active += 1
        state.lastStart = now
        state.lastInterval = interval
        return .start
    }

    /// The interval a request to `host` asks to keep after it: `delay`, or the host's Crawl-delay
    /// capped at `maxCrawlDelay` when longer (what ``admit(_:perHost:delay:maxCrawlDelay:client:waker:)``
    /// counts; a ``HostLedger`` reservation asks for the same).
    package func interval(of host: String, delay: Duration, maxCrawlDelay: Duration) -> Duration {
        let crawlDelay = hosts.withLock { $0[host]?.crawlDelay ?? .zero }
        return max(delay, min(crawlDelay, maxCrawlDelay))
    }

    /// Called just before libcurl sends an admitted request, after any connection set-up: the moment
    /// the host's next interval counts from.
    package func markStarted(_ host: String) {
        let now = now()
        hosts.withLock { hosts in
            guard let lastStart = hosts[host]?.lastStart else {
                hosts[host]?.lastStart = now
                return
            }
            hosts[host]?.lastStart = max(lastStart, now)
        }
    }

    /// Gives back a slot taken by ``admit(_:perHost:delay:maxCrawlDelay:client:waker:)`` and wakes the
    /// clients that waited for one (outside the schedule's lock).
    package func release(_ host: String) {
        let wakers: [@Sendable () -> Void] = hosts.withLock { hosts in
            guard let index = hosts.index(forKey: host) else { return [] }
            // In place, as in admit.
            hosts.values[index].active = max(0, hosts.values[index].active - 1)
            var wakers: [@Sendable () -> Void] = []
            if !hosts.values[index].wakers.isEmpty {
                wakers = Array(hosts.values[index].wakers.values)
                hosts.values[index].wakers.removeAll()
            }
            // Forget hosts whose interval is long over, so the table stays as small as the busy hosts.
            if hosts.count > 1024 {
                let now = now()
                hosts = hosts.filter { !$0.value.isForgettable(at: now) }
            }
            return wakers
        }
        for wake in wakers { wake() }
    }

    /// Sets the host's robots.txt Crawl-delay (each client caps it with its own `maxCrawlDelay`).
    package func setCrawlDelay(_ crawlDelay: Duration, forHost host: String) {
        hosts.withLock { hosts in
            hosts[host, default: HostState()].crawlDelay = max(crawlDelay, .zero)
        }
    }

    /// Starts no request to `host` before `instant` (a Retry-After); an earlier hold is extended,
    /// never shortened.
    package func hold(_ host: String, until instant: ContinuousClock.Instant) {
        hosts.withLock { hosts in
            let current = hosts[host]?.notBefore ?? instant
            hosts[host, default: HostState()].notBefore = max(current, instant)
        }
    }

    /// Requests to `host` in progress, all clients together (for tests and diagnostics).
    package func activeCount(of host: String) -> Int {
        hosts.withLock { $0[host]?.active ?? 0 }
    }

    /// A little time added to each interval (5% of it, 10 to 50 ms): the server sees a request
    /// arrive a little after libcurl sends it, and a request on a new connection later than one on
    /// a reused connection, so without it a gap could look a few milliseconds short.
    package static func margin(for interval: Duration) -> Duration {
        min(max(interval / 20, .milliseconds(10)), .milliseconds(50))
    }
}

import ETLKit
import Foundation
import Synchronization

/// The run's ``HostLedger`` as its HTTP clients use it: one per run (``RunServices``), made from
/// ``SharedHostLedger`` by the first client that asks (``of(_:warn:)``), with no ledger when the run
/// has none.
///
/// **A ledger that fails** (the database restarting, the network to it dropping) is warned about
/// once per host, and the request goes on with the run's own politeness only (its
/// ``HostSchedule`` and ``RobotsCache``): a page does not fail because the database hiccuped.
/// This is judged safe enough because the run's own delay still holds, so at worst the host
/// sees each worker at its delay for as long as the database is away, and because a database
/// that stays away stops the run soon anyway: the state's commits (every second) go to the same
/// server and fail. Failing the page instead would turn every short outage into dead letters,
/// to be fetched again, which asks the host for more, not less.
package final class HostLedgerGate: Sendable {
    /// The ledger, nil for a run without one (every call is then a no-op).
    package let ledger: (any HostLedger)?
    /// Says a warning (the run's logger).
    private let warn: @Sendable (String) -> Void
    /// Hosts (or origins) whose ledger failure was warned about.
    private let warned = Mutex<Set<String>>([])

    package init(ledger: (any HostLedger)?, warn: @escaping @Sendable (String) -> Void) {
        self.ledger = ledger
        self.warn = warn
    }

    /// The run's gate: made from the run's ``SharedHostLedger`` by the first client that asks,
    /// `warn` being the run's logger.
    package static func of(_ context: RunContext, warn: @escaping @Sendable (String) -> Void) -> HostLedgerGate {
        // Asked first, outside the services' lock (which is not reentrant).
        let ledger = context.services.value { SharedHostLedger(nil) }.ledger
        return context.services.value { HostLedgerGate(ledger: ledger, warn: warn) }
    }

    /// How long to wait before a request to `host` is sent, every worker's requests considered
    /// (``HostLedger/reserveStart(host:interval:)``); zero without a ledger or when it fails.
    package func reserveStart(host: String, interval: Duration) async -> Duration {
        guard let ledger else { return .zero }
        do {
            return try await ledger.reserveStart(host: host, interval: interval)
        } catch {
            failed(host, error)
            return .zero
        }
    }

    /// Holds `host` for every worker (a Retry-After).
    package func hold(host: String, for duration: Duration) async {
        guard let ledger else { return }
        do {
            try await ledger.hold(host: host, for: duration)
        } catch {
            failed(host, error)
        }
    }

    /// What another worker read of the origin's robots.txt, or nil (read it, then ``storeRobots(_:origin:userAgent:host:)``).
    package func robots(origin: String, userAgent: String, host: String) async -> StoredRobots? {
        guard let ledger else { return nil }
        do {
            return try await ledger.robots(origin: origin, userAgent: userAgent)
        } catch is CancellationError {
            return nil
        } catch {
            failed(host, error)
            return nil
        }
    }

    /// Keeps what this worker read of the origin's robots.txt for the others.
    package func storeRobots(_ robots: StoredRobots, origin: String, userAgent: String, host: String) async {
        guard let ledger else { return }
        do {
            try await ledger.storeRobots(robots, origin: origin, userAgent: userAgent)
        } catch {
            failed(host, error)
        }
    }

    private func failed(_ host: String, _ error: any Error) {
        guard warned.withLock({ $0.insert(host).inserted }) else { return }
        warn("the pipeline's shared politeness is unavailable for \(host) (\(error)); its requests keep this run's own delay and robots.txt only")
    }
}

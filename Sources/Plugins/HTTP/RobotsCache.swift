import Foundation
import Synchronization

/// robots.txt rules by origin (scheme, host and port) and user agent, for one run (see
/// ``RunServices``): each file is read once however many fetchers and sources ask, and concurrent
/// requests to a new origin share one read.
///
/// Rules are kept for the lifetime their loader gives: ``lifetime`` (24 hours, RFC 9309 §2.4) for
/// a file that was read, less for one that stands for an unreachable robots.txt (5xx, network
/// failure: everything disallowed), so that the next request after it reads the file again.
package final class RobotsCache: Sendable {
    /// What the fetcher needs to know about a URL to check it.
    package struct Target: Sendable {
        /// `scheme://host:port`, lower case, the port always written.
        package var origin: String
        package var robotsURL: String
        /// The host as the run's ``HostSchedule`` names it.
        package var host: String
        /// The path and query as sent (`/a?b=c`), `/` for an empty path.
        package var pathAndQuery: String
    }

    /// How long rules read from a file are used: RFC 9309 §2.4 says no longer than 24 hours.
    package static let lifetime: Duration = .seconds(24 * 3600)

    private enum Entry {
        case loading(Task<RobotsRules, Never>)
        case loaded(RobotsRules, expires: ContinuousClock.Instant)
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// The time rules expire by: the continuous clock, or a virtual one in tests.
    private let now: @Sendable () -> ContinuousClock.Instant

    /// A cache on `now`: the continuous clock unless a test brings virtual time.
    package init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// The origin, robots.txt URL and path of an http(s) URL; nil for any other.
    package static func target(of url: String) -> Target? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let defaultPort = scheme == "https" ? 443 : 80
        // IPv6 literals keep their brackets in a URL.
        let hostInURL = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let authority = port == defaultPort ? hostInURL : "\(hostInURL):\(port)"
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        return Target(
            origin: "\(scheme)://\(hostInURL):\(port)",
            robotsURL: "\(scheme)://\(authority)/robots.txt",
            host: HostSchedule.host(of: url) ?? host,
            pathAndQuery: path
        )
    }

    /// The rules of `origin` for `userAgent`, calling `load` when there are none yet (or they
    /// expired); `load` returns the rules and how long they stay. Callers that arrive during a load
    /// wait for it.
    package func rules(for origin: String, userAgent: String, load: @escaping @Sendable () async -> (rules: RobotsRules, lifetime: Duration)) async
        -> RobotsRules
    {
        let now = now()
        let key = origin + " " + userAgent
        enum Found {
            case rules(RobotsRules)
            case task(Task<RobotsRules, Never>)
        }
        let found: Found = entries.withLock { entries in
            switch entries[key] {
            case .loaded(let rules, let expires) where expires > now:
                return .rules(rules)
            case .loading(let task):
                return .task(task)
            default:
                let task = Task { [self] in
                    let loaded = await load()
                    self.entries.withLock { $0[key] = .loaded(loaded.rules, expires: self.now() + loaded.lifetime) }
                    return loaded.rules
                }
                entries[key] = .loading(task)
                return .task(task)
            }
        }
        switch found {
        case .rules(let rules): return rules
        case .task(let task): return await task.value
        }
    }
}

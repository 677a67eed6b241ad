import Foundation
import Synchronization

/// robots.txt rules by origin (scheme, host and port), each loaded once and kept for the client's
/// life; concurrent fetches to a new origin share one load.
///
/// A rule set that stands for an unreachable robots.txt (5xx, network failure: everything
/// disallowed) is kept only for ``failureLifetime``; the next fetch after that loads the file again.
final class RobotsCache: Sendable {
    /// What the fetcher needs to know about a URL to check it.
    struct Target: Sendable {
        /// `scheme://host:port`, lower case, the port always written.
        var origin: String
        var robotsURL: String
        /// The lower-case host, as the client's scheduler names it.
        var host: String
        /// The path and query as sent (`/a?b=c`), `/` for an empty path.
        var pathAndQuery: String
    }

    private enum Entry {
        case loading(Task<RobotsRules, Never>)
        case loaded(RobotsRules, expires: ContinuousClock.Instant?)
    }

    /// How long a disallow-everything verdict from an unreachable robots.txt is kept.
    let failureLifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    init(failureLifetime: Duration = .seconds(300)) {
        self.failureLifetime = failureLifetime
    }

    /// The origin, robots.txt URL and path of an http(s) URL; nil for any other.
    static func target(of url: String) -> Target? {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
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
            host: host,
            pathAndQuery: path
        )
    }

    /// The rules for `origin`, calling `load` when there are none yet (or they expired). Callers
    /// that arrive during a load wait for it.
    func rules(for origin: String, load: @escaping @Sendable () async -> (rules: RobotsRules, isFailure: Bool)) async -> RobotsRules {
        let now = ContinuousClock.now
        let failureLifetime = self.failureLifetime
        enum Found { case rules(RobotsRules), task(Task<RobotsRules, Never>) }
        let found: Found = entries.withLock { entries in
            switch entries[origin] {
            case .loaded(let rules, let expires) where expires.map({ $0 > now }) ?? true:
                return .rules(rules)
            case .loading(let task):
                return .task(task)
            default:
                let task = Task { [self] in
                    let loaded = await load()
                    let expires = loaded.isFailure ? ContinuousClock.now + failureLifetime : nil
                    self.entries.withLock { $0[origin] = .loaded(loaded.rules, expires: expires) }
                    return loaded.rules
                }
                entries[origin] = .loading(task)
                return .task(task)
            }
        }
        switch found {
        case .rules(let rules): return rules
        case .task(let task): return await task.value
        }
    }
}

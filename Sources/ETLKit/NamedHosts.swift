import Synchronization

/// The hosts a run's user named: in the pipeline file's sources (any http(s) URL among their
/// options) and in the lists of URLs the user gave (a `urls` file, the command line). A fetcher
/// may connect to a loopback or private address for these hosts only, since the user asked for
/// them; a host found in fetched content (a link, a sitemap entry, a redirect) is not named.
///
/// One per run, in ``RunServices``; the runner fills it from ``Pipeline/namedHosts``.
public final class NamedHosts: Sendable {
    private let names: Mutex<Set<String>>

    /// `names` as ``URLHost/name(of:)`` writes them.
    public init(_ names: Set<String> = []) {
        self.names = Mutex(names)
    }

    /// Names the host of `url`, when it is an http(s) URL.
    public func insert(hostOf url: String) {
        guard let name = URLHost.name(of: url) else { return }
        _ = names.withLock { $0.insert(name) }
    }

    /// Names `name` (as ``URLHost/name(of:)`` writes it).
    public func insert(name: String) {
        _ = names.withLock { $0.insert(name) }
    }

    /// Whether the user named `name` (as ``URLHost/name(of:)`` writes it).
    public func contains(_ name: String) -> Bool {
        names.withLock { $0.contains(name) }
    }

    /// The http(s) hosts among every string of `value`, searched through arrays and objects.
    public static func hosts(in value: JSONValue) -> Set<String> {
        switch value {
        case .string(let text):
            return URLHost.name(of: text.trimmingWhitespace()).map { [$0] } ?? []
        case .array(let values):
            return values.reduce(into: []) { $0.formUnion(hosts(in: $1)) }
        case .object(let members):
            return members.values.reduce(into: []) { $0.formUnion(hosts(in: $1)) }
        default:
            return []
        }
    }
}

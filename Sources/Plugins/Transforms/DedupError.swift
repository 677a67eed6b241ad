/// Why the `dedup` transform could not run.
public enum DedupError: Error, Sendable, CustomStringConvertible {
    /// The state file could not be opened, read or written.
    case stateFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .stateFailed(let path, let reason): return "dedup state \(path): \(reason)"
        }
    }
}

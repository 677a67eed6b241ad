import ETLKit

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

extension DedupError: FailureClassifying {
    /// The dedup state's trouble, not the page's.
    public var isPermanent: Bool { false }
}

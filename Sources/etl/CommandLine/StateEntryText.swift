import ETLKit
import Foundation

/// How `etl state` prints a state entry: a block with the URL on its first line and one indented
/// line per fact, or (``line``) one line for a URL that is done.
struct StateEntryText {
    var entry: StateEntry
    var backoff: FailureBackoff
    /// Compared with the back-off to say whether a failed URL waits.
    var now: Date

    /// `2026-11-26T06:00:00Z  https://example.com/news/1`: when a done URL was last fetched, and the URL.
    var line: String {
        "\(Timestamp.iso8601(entry.lastFetch))  \(entry.url)"
    }

    var block: String {
        var lines = [entry.url]
        func add(_ label: String, _ value: String) {
            lines.append("  " + label.padding(toLength: 14, withPad: " ", startingAt: 0) + value)
        }
        let attempts = entry.attempts == 1 ? "1 attempt" : "\(entry.attempts) attempts"
        switch entry.status {
        case .done:
            add("status", "done")
        case .failed:
            let kind = entry.failure?.isPermanent == true ? "permanently" : "transiently"
            add("status", "failed \(kind), \(attempts) in a row")
            add("reason", entry.failure.map(\.reason).flatMap { $0.isEmpty ? nil : $0 } ?? "not recorded (an older state file)")
        }
        add("last fetch", Timestamp.iso8601(entry.lastFetch))
        if entry.status == .failed {
            if let retryDate = backoff.retryDate(for: entry), retryDate > now {
                add("next try", "\(Timestamp.iso8601(retryDate)) (etl run --retry-failed tries it now)")
            } else {
                add("next try", "next run")
            }
        }
        if entry.status == .done {
            if let etag = entry.etag { add("etag", etag) }
            if let lastModified = entry.lastModified { add("last modified", lastModified) }
            if let contentHash = entry.contentHash { add("content hash", contentHash) }
        }
        return lines.joined(separator: "\n")
    }
}

import Foundation

/// How long a URL whose last fetch failed permanently is left alone before it is asked again.
///
/// The wait doubles with each failed run in a row and stops growing at a cap:
/// `base × 2^(attempts − 1)`, at most `cap`. With ``standard`` (a day, capped at 30 days) a dead
/// link is asked again after 1, 2, 4, 8, 16 and then every 30 days, so a page that comes back is
/// found within a month while a daily run stays quiet about it. Transient failures have no
/// back-off: they are tried again on the next run. `etl run --retry-failed` ignores the back-off.
public struct FailureBackoff: Sendable, Equatable {
    /// The wait after the first permanent failure, in seconds.
    public var base: TimeInterval
    /// The longest wait, in seconds.
    public var cap: TimeInterval

    /// One day after the first failure, doubling, at most 30 days.
    public static let standard = FailureBackoff(base: 86_400, cap: 30 * 86_400)

    public init(base: TimeInterval, cap: TimeInterval) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `attempts` failed runs in a row (at least 1).
    public func delay(afterAttempts attempts: Int) -> TimeInterval {
        // 2^31 days is past any cap; stopping the exponent there keeps the arithmetic finite.
        let exponent = min(max(attempts, 1) - 1, 31)
        return min(base * Double(1 << exponent), cap)
    }

    /// When the entry's URL may be fetched again: nil when it may be fetched now whatever the time
    /// (its last run was done, or failed transiently).
    public func retryDate(for entry: StateEntry) -> Date? {
        guard entry.status == .failed, entry.failure?.isPermanent == true else { return nil }
        return entry.lastFetch.addingTimeInterval(delay(afterAttempts: entry.attempts))
    }

    /// Whether the entry's URL is still waiting out its back-off at `now`.
    public func isWaiting(_ entry: StateEntry, at now: Date) -> Bool {
        guard let retryDate = retryDate(for: entry) else { return false }
        return now < retryDate
    }
}

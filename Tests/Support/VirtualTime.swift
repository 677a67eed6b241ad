import ETLHTTP
import Synchronization

/// Time that moves only when a test moves it: the clock handed to ``HostSchedule`` and
/// ``RobotsCache`` so that politeness is tested to the millisecond without waiting, and without
/// failing when a loaded machine runs the test late.
package final class VirtualTime: Sendable {
    private let origin = ContinuousClock.now
    private let elapsed = Mutex<Duration>(.zero)

    /// Time that starts now and stands still until ``advance(by:)``.
    package init() {}

    /// The current instant.
    package var now: ContinuousClock.Instant { origin + elapsed.withLock { $0 } }

    /// The instant `offset` after the start.
    package func at(_ offset: Duration) -> ContinuousClock.Instant { origin + offset }

    /// Moves the time on.
    package func advance(by duration: Duration) { elapsed.withLock { $0 += duration } }

    /// The clock to inject.
    package var clock: @Sendable () -> ContinuousClock.Instant { { [self] in now } }
}

import Synchronization

/// A request to end a run early but cleanly (Ctrl-C, `SIGTERM`): the sources stop at their next
/// record, the records already taken in go through the fetch, the steps and the sinks, the state
/// is written, and the run returns its summary with ``RunSummary/stoppedBy`` set. Nothing fetched
/// is lost, and output that replaces the last run's is put in place as after a whole run.
///
/// Made by whoever owns the signals (the command line) and given to ``PipelineRunner``.
public final class RunStop: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Asks the run to stop; `reason` (`SIGINT`) goes to the summary. Returns whether this was the
    /// first request (a second one usually means "stop now").
    @discardableResult
    public func request(_ reason: String) -> Bool {
        self.reason.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }

    /// Why the run was asked to stop, or nil while it was not.
    public var requestReason: String? {
        reason.withLock { $0 }
    }
}

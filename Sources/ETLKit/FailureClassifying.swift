/// An error that says whether the same request would fail the same way again.
///
/// The runner asks it of every error that sends a record to the dead letters, and the state store
/// remembers the answer (``StateEntry/Failure``): a permanent failure (a 404, a page robots.txt
/// disallows, a page a step rejects as "not an article") is not asked again until its back-off
/// has passed (``FailureBackoff``); a transient one (a network error, a timeout, a 5xx) is tried
/// again on the next run.
///
/// Errors that do not conform are classified by where they were thrown: a fetcher's as transient
/// (trying again costs one request and an unknown cause may pass), a step's as permanent (a step
/// given the same page fails the same way).
public protocol FailureClassifying: Error {
    /// Whether the same request would fail the same way: true when the page itself is gone, off
    /// limits or unusable; false for a passing trouble of the network, the server or the pipeline.
    var isPermanent: Bool { get }
}

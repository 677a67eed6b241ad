/// Counts and times of one step over a run.
public struct StepStatistics: Sendable {
    /// The step's label (`fetch:http`, `html`, `sink:jsonl`).
    public var label: String
    /// Records that entered the step.
    public var input = 0
    /// Records the step passed on.
    public var output = 0
    /// Records the step filtered out.
    public var skipped = 0
    /// Records that failed in the step (sent to the dead-letter sink).
    public var failed = 0
    /// Time spent in the step, summed over records, in seconds.
    public var seconds = 0.0

    public init(label: String) {
        self.label = label
    }
}

/// What a run did: every record accounted for.
public struct RunSummary: Sendable {
    /// Records the sources produced.
    public var input = 0
    /// Records written to the sinks.
    public var written = 0
    /// Records a step filtered out, plus the ``unchanged`` ones.
    public var skipped = 0
    /// Records skipped because the state store shows them unchanged: a 304 to a conditional request,
    /// or a document whose SHA-256 equals the stored one. Part of ``skipped``.
    public var unchanged = 0
    /// Records not fetched because the state store remembers a permanent failure of their URL whose
    /// back-off has not passed (``FailureBackoff``). Part of ``skipped``: nothing new failed.
    public var rememberedFailures = 0
    /// Records sent to the dead-letter sink.
    public var deadLetters = 0
    /// Sources that failed (each also written to the dead-letter sink).
    public var sourceFailures = 0
    /// The pipeline's sources, failed or not.
    public var sources = 0
    /// Records not admitted because a source had already sent the same page (canonical URL) this run;
    /// they are not part of ``input``.
    public var repeatedURLs = 0
    /// Wall-clock seconds.
    public var seconds = 0.0
    /// Per step, in pipeline order.
    public var steps: [StepStatistics] = []
    /// Responses received, by HTTP status (200 for a file read).
    public var statuses: [Int: Int] = [:]
    /// Dead letters by kind of failure: the step and the reason without the record's URL
    /// ("fetch:http: HTTP status 404").
    public var failureKinds: [String: Int] = [:]
    /// Why the run stopped before its sources were done (``RunStop``: `SIGINT`, `SIGTERM`), or nil.
    public var stoppedBy: String?

    public init() {}

    /// Whether every record is accounted for: in = out + skipped + dead letters.
    public var reconciles: Bool { input == written + skipped + deadLetters }

    /// 0 when every record went through; 1 when any failed or the run was stopped early; 3 when the
    /// run could not do its job at all: every source failed and nothing came in (a scheduler should
    /// alert on 3 and may only log 1).
    public var exitCode: Int32 {
        if sources > 0 && sourceFailures == sources && input == 0 { return 3 }
        return deadLetters + sourceFailures > 0 || stoppedBy != nil ? 1 : 0
    }
}

/// A snapshot for a progress line.
public struct RunProgress: Sendable {
    public var input: Int
    public var written: Int
    public var skipped: Int
    public var failed: Int
    public var seconds: Double
}

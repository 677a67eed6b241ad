/// Why a run stopped before its end.
///
/// A ``CodedError``: test its ``code`` (`error.code == .sinkOpen`); ``underlying`` is the error of
/// the sink, the dead-letter sink or the state store that stopped the run, when there is one.
public struct RunError: CodedError {
    public typealias Code = ErrorCode<RunError>

    public let code: Code
    public let message: String
    public let underlying: (any Error)?

    /// See ``ErrorCode/sinkOpen``.
    public static func sinkOpen(sink: String, path: JSONPath, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .sinkOpen, message: "cannot open sink \"\(sink)\" (\(path)): \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/deadLetterWrite``.
    public static func deadLetterWrite(url: String, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .deadLetterWrite, message: "the dead-letter sink failed for \(url), stopping so that nothing is lost: \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/stateWrite``.
    public static func stateWrite(url: String, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .stateWrite, message: "the state store failed for \(url), stopping: \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/sinkFlush``.
    public static func sinkFlush(sink: String, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .sinkFlush, message: "sink \"\(sink)\" could not flush, stopping so that nothing is lost: \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/sinkClose``.
    public static func sinkClose(sink: String, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .sinkClose, message: "sink \"\(sink)\" could not finish its output: \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/frontier``.
    public static func frontier(action: String, reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .frontier, message: "the shared frontier failed to \(action), stopping: \(reason)", underlying: underlying)
    }

    /// See ``ErrorCode/interrupted``.
    public static func interrupted(reason: String, underlying: (any Error)? = nil) -> RunError {
        RunError(code: .interrupted, message: "the run stopped: \(reason)", underlying: underlying)
    }
}

extension ErrorCode where Domain == RunError {
    /// A sink could not be opened; nothing was processed.
    public static var sinkOpen: Self { "sinkOpen" }
    /// The dead-letter sink failed: continuing would lose records.
    public static var deadLetterWrite: Self { "deadLetterWrite" }
    /// The state store could not record an outcome: continuing would refetch (or skip) wrongly.
    public static var stateWrite: Self { "stateWrite" }
    /// A sink could not make what it was given durable: recording progress would lose records.
    public static var sinkFlush: Self { "sinkFlush" }
    /// A sink could not finish its output at the end of the run, or put it in place.
    public static var sinkClose: Self { "sinkClose" }
    /// The frontier shared with the pipeline's other workers (``Frontier``) could not be joined,
    /// claimed from or written: this worker stops; its leases run out and others take its URLs.
    public static var frontier: Self { "frontier" }
    /// The run was cancelled or failed for another reason.
    public static var interrupted: Self { "interrupted" }
}

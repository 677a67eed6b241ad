import Logging

/// What every plugin has: a static description (id, kind, summary, options) and an initializer that
/// takes validated options.
///
/// The initializer runs during `etl validate` as well as `etl run`, so it must only check and store
/// its options: no network, no files written. Work with side effects belongs in the kind's own
/// methods (``Sink/open(context:)``, ``Source/produce(into:context:)``, …). Throw ``OptionError``
/// for a value that has the right type but is wrong; the loader reports it with its JSON path.
public protocol Plugin: Sendable {
    static var descriptor: PluginDescriptor { get }
    init(options: PluginOptions) throws
}

/// What the runner hands every plugin call of one run: its logger and the run's shared objects.
public struct RunContext: Sendable {
    public var logger: Logger
    /// Objects the run's plugins share (see ``RunServices``); copies of the context share them.
    public let services: RunServices

    public init(logger: Logger, services: RunServices = RunServices()) {
        self.logger = logger
        self.services = services
    }
}

/// Finds work and hands it to the pipeline as records.
public protocol Source: Plugin {
    /// Sends every record the source finds to `output`, then returns. `output.send` waits while the
    /// pipeline is busy (back-pressure) and throws `CancellationError` once the run wants no more.
    func produce(into output: RecordOutput, context: RunContext) async throws

    /// The schemes of the URLs this source sends to be fetched, when its options tell (`["file"]`
    /// for local files); empty when its records carry their document and need no fetcher; nil when
    /// only the run will tell (a list read from a file). `etl validate` checks that a fetcher of the
    /// pipeline reads each.
    var urlSchemes: Set<String>? { get }

    /// Whether the records carry the HTTP transfers they came from (``Response/exchanges``) without
    /// a fetch: a source that reads an archive (`warc`). With ``urlSchemes``, `etl validate` tells
    /// a sink that archives transfers (``Sink/archivesExchanges``) which sources give it nothing.
    var carriesExchanges: Bool { get }
}

extension Source {
    public var urlSchemes: Set<String>? { nil }
    public var carriesExchanges: Bool { false }
}

/// The channel a source sends its records into.
public struct RecordOutput: Sendable {
    private let sendRecord: @Sendable (Record) async throws -> Void

    public init(_ send: @escaping @Sendable (Record) async throws -> Void) {
        self.sendRecord = send
    }

    /// Hands a record to the pipeline, waiting while it is busy.
    public func send(_ record: Record) async throws {
        try Task.checkCancellation()
        try await sendRecord(record)
    }
}

/// Turns a record's URL into a ``Response`` and a ``Document``.
public protocol Fetcher: Plugin {
    /// The URL schemes this fetcher reads (`["http", "https"]`, `["file"]`).
    var schemes: Set<String> { get }
    /// Fetches the record's URL. Throwing sends the record to the dead-letter sink.
    func fetch(_ record: Record, context: RunContext) async throws -> Record
}

/// Finds the main content of a fetched document and fills ``Record/page``.
public protocol Cleaner: Plugin {
    func clean(_ record: Record, context: RunContext) async throws -> Record
}

/// Extractors and transforms: fill, change or filter a record's fields.
public protocol Transform: Plugin {
    /// Returns the changed record, or nil to skip it (filtered out; counted, not an error).
    func apply(to record: Record, context: RunContext) async throws -> Record?
}

/// Writes records out. A run calls ``open(context:)`` once, ``write(_:)`` for each record from one
/// task at a time, ``flush()`` before it records progress in its state store and once more at the
/// end, then ends with exactly one of ``close()`` (the run succeeded) and ``discard()`` (it failed).
///
/// A sink that replaces its output (the `jsonl` sink's `overwrite` mode) writes a new file beside
/// the old one and puts it in place only at ``close()``: a run that fails, whether a later sink
/// cannot be opened or the run stops, leaves the last run's output exactly as it was.
public protocol Sink: Plugin {
    func open(context: RunContext) async throws
    func write(_ record: Record) async throws
    /// Makes everything written so far survive the process being killed (a buffering sink writes
    /// its buffer). The runner records records as done in its state store only after this.
    func flush() async throws
    /// Ends a run that succeeded: writes what is left, releases the files, and puts output that
    /// replaces the last run's in its place.
    func close() async throws
    /// Ends a run that failed: releases the files and drops output that would have replaced the last
    /// run's, which stays as it was. What was written in place (appended lines, upserted rows) stays.
    func discard() async throws

    /// The file or directory the sink writes, if any (not standard output): `etl validate` refuses
    /// two outputs (sinks, dead letters, the state) on one path, which would spoil each other.
    var outputPath: String? { get }

    /// Whether the sink writes the raw HTTP transfers (``Response/exchanges``; the `warc` sink).
    /// The runner then has the fetchers keep them (``ExchangeRecording``), which they do not
    /// otherwise, and `etl validate` warns about sources whose records have none.
    var archivesExchanges: Bool { get }

    /// Told about a record the state store found unchanged (a 304, or a document that hashes as the
    /// last run's), which is not written: a sink that keeps a history (the `warc` sink's revisit
    /// records) notes it. The record's ``Record/response`` is the one of this run's fetch: a 304's
    /// when the server answered so. Throwing sends the record to the dead letters, as ``write(_:)``.
    func writeUnchanged(_ record: Record) async throws
}

extension Sink {
    public var outputPath: String? { nil }
    public var archivesExchanges: Bool { false }
    /// Most sinks write what changed only.
    public func writeUnchanged(_ record: Record) async throws {}
    /// Sinks that write each record through have nothing to flush.
    public func flush() async throws {}

    /// Sinks that write in place have nothing to drop: discarding is closing.
    public func discard() async throws {
        try await close()
    }
}

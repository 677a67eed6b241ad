import ETLKit
import Logging
import Synchronization

/// Transform `process`: a program in any language changes or drops records, spoken to in JSON
/// Lines over its standard input and output.
///
/// The protocol: etl writes each record as one line, exactly as the `jsonl` sink writes it (its
/// ``Record/output``: `url`, the provenance fields and every field, compact, keys sorted, UTF-8);
/// the program answers every line with one line, in the same order:
/// - a JSON object: the record's fields from now on (fields left out are dropped; the provenance
///   fields `fetchedAt`, `status`, `contentType` and `requestedUrl` are the record's own: a changed
///   value is kept, a left-out one stays as it was; `url`, when given, must be the record's);
/// - `null`: the record is dropped (skipped, as `filter` drops one);
/// - `{"$error": "reason"}`: the record goes to the dead letters with the reason (the program
///   refuses the page: permanent, like `article`'s "no article text found").
/// Anything else is a malformed answer (so is an object whose `url` is not the record's: the
/// answers are out of step): that record goes to the dead letters with the line's first 200
/// characters, and the process is started again, since every later answer could belong to the
/// record before it (``LineProcessPool``). What the program writes to standard error goes to the
/// log. A process that exits while records wait for its answers sends those records to the dead
/// letters ("process exited with status 1 (stderr tail: …)") and is started again for the next.
///
/// The processes start with the first record of a run and get the end of their input when the run
/// is over; a program should read lines until end of input, answer each at once (flush its output),
/// and exit. See ``LineProcessPool`` for timeouts, restarts and back-pressure.
public struct ProcessTransform: Transform {
    public static let descriptor = PluginDescriptor(
        id: "process",
        kind: .transform,
        summary: "Changes or drops records with a program in any language: one JSON line in, one JSON line out.",
        discussion: """
            Each record is written to the program's standard input as one line of JSON, as the jsonl sink \
            writes it (url, provenance and fields). The program answers each line with one line, in order: \
            the record's new fields as an object, null to drop the record, or {"$error": "reason"} to send it \
            to the dead letters. Its standard error goes to the log. A malformed answer, a crash or a timeout \
            sends the records concerned to the dead letters with the reason, and the run goes on; a process \
            that exited is started again, up to `restarts` failures in a row. `concurrency` processes run at \
            once, each holding up to `inFlight` records. At the end of the run the processes' input is \
            closed and they should exit.
            """,
        options: ProcessCommand.options + [Option.timeout.spec, Option.restarts.spec, Option.concurrency.spec, Option.inFlight.spec]
    )

    public let command: ProcessCommand
    public let timeout: Duration?
    public let restarts: Int
    public let concurrency: Int
    public let inFlight: Int
    /// Identifies this step's processes among the run's (``ProcessTransformPools``).
    private let identity = Identity()

    final class Identity: Sendable {}

    /// The options besides the program's (``ProcessCommand``), each declared once (``OptionKey``).
    enum Option {
        static let timeout: OptionKey<Double> = .number(
            "timeout", minimum: 0, default: 60,
            "Seconds a process may take to answer a record (counted from when it is the oldest it holds; a new process's first record includes its start-up); then that record goes to the dead letters and the process is stopped and started again. 0: no limit."
        )
        static let restarts: OptionKey<Int> = .integer(
            "restarts", minimum: 0, default: 3,
            "How many times in a row a program that exited or timed out is started again; after that every record goes to the dead letters with the last reason."
        )
        static let concurrency: OptionKey<Int> = .integer(
            "concurrency", minimum: 1, maximum: 64, default: 1, "Processes run at once, each answering its own records.")
        static let inFlight: OptionKey<Int> = .integer(
            "inFlight", minimum: 1, maximum: 1024, default: 1,
            "Records written to one process before its answers come back. More keeps a process busy; a crash sends all of them to the dead letters.")
    }

    public init(options: PluginOptions) throws {
        command = try ProcessCommand(options: options)
        let seconds = options[Option.timeout]
        timeout = seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : nil
        restarts = options[Option.restarts]
        concurrency = options[Option.concurrency]
        inFlight = options[Option.inFlight]
    }

    public func apply(to record: Record, context: RunContext) async throws -> Record? {
        let pool = context.services.value { ProcessTransformPools() }.pool(for: identity) {
            LineProcessPool(
                LineProcessPool.Settings(
                    command: command, label: Self.descriptor.id, processes: concurrency, inFlight: inFlight,
                    timeout: timeout, restarts: restarts, closeGrace: .seconds(5)),
                logger: context.logger)
        }
        let sent = record.output
        var line: [UInt8] = []
        JSONValue.object(sent).write(to: &line)
        line.append(UInt8(ascii: "\n"))
        let commandText = command.description
        let url = sent["url"]
        let answer = try await pool.submit(line) { answer in Self.check(answer, url: url, command: commandText) }
        return try Self.record(from: answer, for: record, sent: sent, command: commandText)
    }

    /// Reads an answer line: JSON, an object or null, and when it holds a `url`, the URL of the
    /// record sent (else the answers are out of step with the records). Otherwise it is malformed.
    static func check(_ answer: OutputLine, url: JSONValue?, command: String) -> Result<JSONValue, ProcessPluginError> {
        func malformed(_ problem: String) -> Result<JSONValue, ProcessPluginError> {
            .failure(ProcessPluginError(.malformedLine, "process answered with \(problem): \(ProcessPluginError.quote(answer.bytes))", command: command))
        }
        guard !answer.isTruncated else { return malformed("a line of \(answer.length) bytes, longer than etl reads") }
        let value: JSONValue
        do {
            value = try JSONNodeParser.parse(bytes: answer.bytes).value
        } catch {
            return malformed(answer.bytes.isEmpty ? "an empty line, not JSON" : "a line that is not JSON (\(error.message) at column \(error.location.column))")
        }
        switch value {
        case .null:
            return .success(value)
        case .object(let object):
            if let answered = object["url"], let url, answered != url, object["$error"] == nil {
                return malformed(
                    "the record of another URL, \(answered.stringValue ?? answered.jsonText()) (its answers are out of step with the records: does it write anything else to standard output?)"
                )
            }
            return .success(value)
        default:
            return malformed("\(value.typeDescription), not an object or null")
        }
    }

    /// What a checked answer makes of the record: the changed record, nil to drop it, or the
    /// program's refusal.
    static func record(from value: JSONValue, for record: Record, sent: [String: JSONValue], command: String) throws(ProcessPluginError) -> Record? {
        switch value {
        case .object(let object):
            if let reason = object["$error"] {
                throw ProcessPluginError(.rejected, "process refused the record: \(reason.stringValue ?? reason.jsonText())", command: command)
            }
            var fields: [String: JSONValue] = [:]
            fields.reserveCapacity(object.count)
            for (key, value) in object {
                // What the record adds to its fields itself (url, provenance) stays its own while unchanged.
                if record.fields[key] == nil, sent[key] == value { continue }
                fields[key] = value
            }
            var changed = record
            changed.fields = fields
            return changed
        default:
            return nil
        }
    }
}

/// The processes of every `process` step of one run, one pool per step, kept in the run's
/// ``RunServices``: they start with a step's first record, and when the run is over and its services
/// are released, each pool closes its processes' input (``LineProcessPool``).
final class ProcessTransformPools: Sendable {
    private let pools = Mutex<[ObjectIdentifier: LineProcessPool]>([:])

    func pool(for identity: ProcessTransform.Identity, make: () -> LineProcessPool) -> LineProcessPool {
        pools.withLock { pools in
            if let pool = pools[ObjectIdentifier(identity)] { return pool }
            let pool = make()
            pools[ObjectIdentifier(identity)] = pool
            return pool
        }
    }
}

import ETLKit
import Logging

/// Sink `process-sink`: a program in any language writes records out (to a database, a queue, an
/// API), fed in JSON Lines on its standard input.
///
/// The protocol: etl writes each record as one line, as the `jsonl` sink writes it, and waits for
/// the program's answer, one line per record on its standard output:
/// - `{"ok": true}`: the record is written, and safe: etl may record it as done in its state
///   (``Sink/flush()`` relies on it, so answer only once the record would survive a crash);
/// - `{"ok": false, "error": "reason"}` (or just `{"error": "reason"}`): the record could not be
///   written; it goes to the dead letters with the reason, and the run goes on.
/// Anything else is a malformed answer: that record goes to the dead letters with the line's first
/// 200 characters, and the program is started again (its next answer might acknowledge a record it
/// has not written). At the end of a run that succeeded, standard input is closed: the program
/// finishes its work and exits with status 0 (another status fails the run, which leaves it
/// `timeout` seconds, then stops it). At the end of a run that failed, it gets SIGTERM instead:
/// it should drop what it would have put in place and exit. Its standard error goes to the log.
///
/// A process that exits while a record waits for its answer sends that record to the dead letters
/// with how it ended, and is started again for the next record, up to `restarts` failures in a row.
public actor ProcessSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "process-sink",
        kind: .sink,
        summary: "Writes records with a program in any language: one JSON line in, an acknowledgement out.",
        discussion: """
            Each record goes to the program's standard input as one line of JSON, as the jsonl sink writes \
            it. The program answers each line with {"ok": true} once the record is safely written, or \
            {"ok": false, "error": "reason"} to send it to the dead letters. etl waits for each answer, so a \
            record is recorded as done in the state only after the program said it was written. At the end \
            of a successful run the program's input is closed and it must exit with status 0; after a \
            failed run it gets SIGTERM. Its standard error goes to the log.
            """,
        options: ProcessCommand.options + [Option.timeout.spec, Option.restarts.spec]
    )

    public nonisolated let command: ProcessCommand
    public nonisolated let timeout: Duration?
    public nonisolated let restarts: Int
    private var pool: LineProcessPool?

    /// The options besides the program's (``ProcessCommand``), each declared once (``OptionKey``).
    enum Option {
        static let timeout: OptionKey<Double> = .number(
            "timeout", minimum: 0, default: 60,
            "Seconds the program may take to answer a record, and to exit once its input is closed; then the record goes to the dead letters and the program is stopped. 0: no limit."
        )
        static let restarts: OptionKey<Int> = .integer(
            "restarts", minimum: 0, default: 3,
            "How many times in a row a program that exited or timed out is started again; after that every record goes to the dead letters with the last reason."
        )
    }

    public init(options: PluginOptions) throws {
        command = try ProcessCommand(options: options)
        let seconds = options[Option.timeout]
        timeout = seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded())) : nil
        restarts = options[Option.restarts]
    }

    /// Starts the program, so that it can get ready while the first records are fetched.
    public func open(context: RunContext) async throws {
        let pool = LineProcessPool(
            LineProcessPool.Settings(
                command: command, label: Self.descriptor.id, processes: 1, inFlight: 1,
                timeout: timeout, restarts: restarts, closeGrace: timeout),
            logger: context.logger)
        await pool.start()
        self.pool = pool
    }

    /// Writes the record and waits for the program's answer: returns once it is written, throws
    /// (the record goes to the dead letters) when the program refuses it, answers nonsense, fails
    /// or takes too long.
    public func write(_ record: Record) async throws {
        guard let pool else { throw ProcessPluginError(.exited, "process-sink was not opened", command: command.description) }
        var line: [UInt8] = []
        JSONValue.object(record.output).write(to: &line)
        line.append(UInt8(ascii: "\n"))
        let commandText = command.description
        let answer = try await pool.submit(line) { answer in Self.check(answer, command: commandText) }
        try Self.acknowledgement(answer, command: commandText)
    }

    /// Nothing to do: every ``write(_:)`` has waited for the program to say the record is safe.
    public func flush() async throws {}

    /// Closes the program's input and waits for it to exit; a status other than 0 fails the run.
    public func close() async throws {
        guard let pool else { return }
        self.pool = nil
        for exit in await pool.finish() where !exit.isSuccess {
            throw ProcessPluginError(.exited, "process-sink did not finish cleanly at the end of the run: \(exit)", command: command.description, exit: exit)
        }
    }

    /// Stops the program (SIGTERM, then SIGKILL): the run failed.
    public func discard() async throws {
        guard let pool else { return }
        self.pool = nil
        await pool.terminate()
    }

    /// Reads an answer line: a JSON object with a Boolean `ok` or an `error`; otherwise it is
    /// malformed (and the program is started again: its next answer could acknowledge the wrong record).
    static func check(_ answer: OutputLine, command: String) -> Result<JSONValue, ProcessPluginError> {
        func malformed(_ problem: String) -> Result<JSONValue, ProcessPluginError> {
            .failure(
                ProcessPluginError(
                    .malformedLine,
                    "process-sink answered with \(problem), not {\"ok\": true} or {\"ok\": false, \"error\": …}: \(ProcessPluginError.quote(answer.bytes))",
                    command: command))
        }
        guard !answer.isTruncated else { return malformed("a line of \(answer.length) bytes") }
        guard let value = try? JSONNodeParser.parse(bytes: answer.bytes).value, case .object(let object) = value else {
            return malformed(answer.bytes.isEmpty ? "an empty line" : "a line that is not a JSON object")
        }
        if case .bool? = object["ok"] { return .success(value) }
        if let error = object["error"], !error.isNull { return .success(value) }
        return malformed("an object without \"ok\"")
    }

    /// Whether a checked answer says the record was written (`{"ok": true}`); throws with the
    /// program's reason when it was not.
    static func acknowledgement(_ value: JSONValue, command: String) throws(ProcessPluginError) {
        let object = value.objectValue ?? [:]
        if let error = object["error"], !error.isNull {
            throw ProcessPluginError(.rejected, "process-sink could not write the record: \(error.stringValue ?? error.jsonText())", command: command)
        }
        guard object["ok"] == .bool(true) else {
            throw ProcessPluginError(.rejected, "process-sink could not write the record (it gave no reason)", command: command)
        }
    }
}

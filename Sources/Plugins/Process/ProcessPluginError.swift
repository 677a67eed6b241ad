import ETLKit

/// What went wrong with a process plugin's program: a record's dead-letter reason, or the error of
/// a source or sink, with the command it ran.
///
/// The program's own rejection of a record (``Code/rejected``) is permanent, like any step that
/// rejects a page; everything else (it crashed, answered nonsense, took too long) is the program's
/// trouble, not the page's, and is tried again on the next run.
public struct ProcessPluginError: CodedError, FailureClassifying {
    public typealias Code = ErrorCode<ProcessPluginError>

    public var code: Code
    public var message: String
    /// The command the plugin runs (``ProcessCommand/description``).
    public var command: String
    /// How the process ended, when that is the failure.
    public var exit: ProcessExit?

    public init(_ code: Code, _ message: String, command: String, exit: ProcessExit? = nil) {
        self.code = code
        self.message = message
        self.command = command
        self.exit = exit
    }

    public var isPermanent: Bool { code == .rejected }

    /// A line quoted in a message: its first 200 characters.
    static func quote(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(800), as: UTF8.self)
        return text.count > 200 ? "\"\(text.prefix(200))…\"" : "\"\(text)\""
    }
}

extension ErrorCode where Domain == ProcessPluginError {
    /// The process exited (or could not start) while records were in flight, or a source's
    /// process exited with a nonzero status.
    public static var exited: Self { "exited" }
    /// The process did not answer in time and was stopped.
    public static var timedOut: Self { "timedOut" }
    /// The process answered with a line that is not what the protocol asks for.
    public static var malformedLine: Self { "malformedLine" }
    /// The process answered that it refuses the record (`{"$error": …}`, or a sink's
    /// `{"ok": false, "error": …}`).
    public static var rejected: Self { "rejected" }
    /// The process failed more times in a row than `restarts` allows: the plugin gave up.
    public static var gaveUp: Self { "gaveUp" }
}

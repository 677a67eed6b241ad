/// How a plugin's process ended: its exit status or signal, or that it could not start, with the
/// end of what it wrote to standard error.
public struct ProcessExit: Sendable, Equatable, CustomStringConvertible {
    /// What ended the process.
    public enum Status: Sendable, Equatable {
        /// It exited with this status (0 is success).
        case exited(Int32)
        /// A signal ended it (9 for SIGKILL, 15 for SIGTERM).
        case signaled(Int32)
        /// It could not be started: the reason.
        case failedToStart(String)
    }

    public var status: Status
    /// The last lines the process wrote to standard error (``StandardErrorTail``), or empty.
    public var standardErrorTail: String

    public init(status: Status, standardErrorTail: String = "") {
        self.status = status
        self.standardErrorTail = standardErrorTail
    }

    /// Whether the process exited with status 0.
    public var isSuccess: Bool { status == .exited(0) }

    /// "process exited with status 3 (stderr tail: …)", as dead letters say it.
    public var description: String {
        var text: String
        switch status {
        case .exited(let code): text = "process exited with status \(code)"
        case .signaled(let signal): text = "process was ended by signal \(signal)\(Self.signalNames[signal].map { " (\($0))" } ?? "")"
        case .failedToStart(let reason): text = "process could not start: \(reason)"
        }
        if !standardErrorTail.isEmpty { text += " (stderr tail: \(standardErrorTail))" }
        return text
    }

    private static let signalNames: [Int32: String] = [
        1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
        9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
    ]
}

/// The end of a process's standard error, for error messages: its last lines (at most
/// ``lineLimit``), joined with " | ", cut to the last ``characterLimit`` characters.
struct StandardErrorTail: Sendable {
    static let lineLimit = 5
    static let characterLimit = 500

    private var lines: [String] = []

    /// Adds a line the process wrote (blank lines are not kept).
    mutating func append(_ line: String) {
        let trimmed = line.trimmingWhitespace()
        guard !trimmed.isEmpty else { return }
        lines.append(trimmed.count > Self.characterLimit ? String(trimmed.suffix(Self.characterLimit)) : trimmed)
        if lines.count > Self.lineLimit { lines.removeFirst(lines.count - Self.lineLimit) }
    }

    var text: String {
        let joined = lines.joined(separator: " | ")
        return joined.count > Self.characterLimit ? "…" + joined.suffix(Self.characterLimit) : joined
    }
}

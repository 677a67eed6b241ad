import ETLKit
import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The program a process plugin runs, from its options `command`, `environment` and
/// `workingDirectory`: checked when the pipeline is loaded (so `etl validate` reports a program
/// that is not there), started by ``LineProcess``.
///
/// `command` is a list of strings, the program and its arguments, passed as they are (no shell):
/// `["python3", "plugins/annotate.py", "--min-words", "50"]`. A program with a `/` is a path,
/// relative to the working directory; one without is looked up on `PATH` (the `PATH` of
/// `environment` when it sets one). The process runs in `workingDirectory` (default: etl's current
/// directory) with etl's environment plus `environment`.
public struct ProcessCommand: Sendable, CustomStringConvertible {
    /// The program and its arguments, as the pipeline gives them.
    public let arguments: [String]
    /// The program as it will be started: an absolute path.
    public let executablePath: String
    /// Variables added to (or replacing those of) etl's own environment.
    public let environment: [String: String]
    /// The directory the process runs in, absolute; nil for etl's current directory.
    public let workingDirectory: String?

    /// The options every process plugin declares for its program, each declared once (``OptionKey``).
    enum Option {
        /// Read as raw JSON: a single string with spaces gets an error that shows the list to write.
        static let command: OptionKey<JSONValue?> = OptionKey(
            OptionSpec(
                "command", .stringList, required: true,
                "The program and its arguments, as a list of strings (no shell), such as [\"python3\", \"plugins/annotate.py\"]. A program with a / is a path relative to the working directory; one without is looked up on PATH."
            ),
            fallback: nil
        ) { $0 }
        static let environment: OptionKey<[String: String]> = .stringMap(
            "environment", "Environment variables for the process, added to etl's own, such as {\"PYTHONUNBUFFERED\": \"1\"}.")
        static let workingDirectory: OptionKey<String?> = .string(
            "workingDirectory", "The directory the process runs in (default: etl's current directory); relative to the current directory.")
    }

    /// Their declarations, for each process plugin's descriptor.
    static let options: [OptionSpec] = [Option.command.spec, Option.environment.spec, Option.workingDirectory.spec]

    /// Reads and checks the options: a non-empty list of strings whose program exists and may be
    /// run, a working directory that is a directory. Reads the file system, writes nothing.
    public init(options: PluginOptions) throws(OptionError) {
        let arguments: [String]
        switch options[Option.command] {
        case .string(let text)?:
            arguments = [text]
        case .array(let values)?:
            arguments = values.compactMap(\.stringValue)
            guard arguments.count == values.count else {
                throw OptionError(option: Option.command.name, "must be a list of strings, the program and its arguments")
            }
        default:
            throw OptionError(option: Option.command.name, "must be a list of strings, the program and its arguments, such as [\"python3\", \"plugin.py\"]")
        }
        guard let program = arguments.first else {
            throw OptionError(option: Option.command.name, "is empty; give the program and its arguments, such as [\"python3\", \"plugin.py\"]")
        }
        guard !program.trimmingWhitespace().isEmpty else {
            throw OptionError(option: Option.command.name, "names no program: its first string is empty")
        }
        let environment = options[Option.environment]
        if let bad = environment.keys.sorted().first(where: { $0.isEmpty || $0.contains("=") || $0.contains("\0") }) {
            throw OptionError(option: Option.environment.name, "has the name \"\(bad)\", which no environment variable can have (empty, or with = or NUL)")
        }

        let current = FileManager.default.currentDirectoryPath
        var workingDirectory: String?
        if let directory = options[Option.workingDirectory] {
            guard !directory.isEmpty else { throw OptionError(option: Option.workingDirectory.name, "is empty; leave it out to run in the current directory") }
            let absolute = Self.absolute(directory, in: current)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw OptionError(option: Option.workingDirectory.name, "is \"\(directory)\", which is not a directory")
            }
            workingDirectory = absolute
        }

        // "python3 plugin.py" as one string (a single string counts as a list of one): no shell splits it.
        let words = program.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if arguments.count == 1, words.count > 1, !FileManager.default.fileExists(atPath: Self.absolute(program, in: workingDirectory ?? current)) {
            let list = words.map { "\"\($0)\"" }.joined(separator: ", ")
            throw OptionError(
                option: Option.command.name, "is one string with spaces; give the program and each argument as a list, such as [\(list)] (no shell reads it)")
        }

        let executablePath: String
        if program.contains("/") {
            executablePath = Self.absolute(program, in: workingDirectory ?? current)
            guard Self.isExecutableFile(executablePath) else {
                let exists = FileManager.default.fileExists(atPath: executablePath)
                throw OptionError(
                    option: Option.command.name,
                    "names the program \"\(program)\" (\(executablePath)), which \(exists ? "is not an executable file (chmod +x it, or name its interpreter first: [\"python3\", \"\(program)\"])" : "does not exist")"
                )
            }
        } else {
            let path = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            guard let found = Self.lookUp(program, path: path, relativeTo: workingDirectory ?? current) else {
                throw OptionError(option: Option.command.name, "names the program \"\(program)\", which is not on PATH (\(path))")
            }
            executablePath = found
        }
        self.arguments = arguments
        self.executablePath = executablePath
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The command as a person would type it, for logs and errors.
    public var description: String {
        arguments.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// What swift-subprocess starts: the program in a process group of its own, so that a Ctrl-C
    /// at the terminal reaches etl alone (which stops cleanly and ends its processes itself) and a
    /// stop ends the program's own children too.
    var configuration: Configuration {
        var platform = PlatformOptions()
        platform.processGroupID = 0
        var updates: [Environment.Key: String?] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { updates[key] = value }
        }
        return Configuration(
            executable: .path(FilePath(executablePath)),
            arguments: Arguments(Array(arguments.dropFirst())),
            environment: updates.isEmpty ? .inherit : .inherit.updating(updates),
            workingDirectory: workingDirectory.map { FilePath($0) },
            platformOptions: platform
        )
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory.hasSuffix("/") ? directory + path : directory + "/" + path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue && access(path, X_OK) == 0
    }

    /// The first executable file named `program` in the directories of `path`, as execvp looks.
    private static func lookUp(_ program: String, path: String, relativeTo directory: String) -> String? {
        for entry in path.split(separator: ":", omittingEmptySubsequences: false) {
            let folder = entry.isEmpty ? "." : String(entry)
            let candidate = absolute(folder + "/" + program, in: directory)
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }
}

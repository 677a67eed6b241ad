import ArgumentParser
import ETLKit
import ETLPlugins
import Foundation
import Logging
import Synchronization

/// `etl`: the command line, as a library. Subcommands are thin: they load a pipeline, call ETLKit,
/// and print. The `etl` executable is `ETLCommand.main(registry: .builtins)`; a program with
/// plugins of its own registers them and calls the same, and gets every command with them:
///
/// ```swift
/// var registry = PluginRegistry.builtins
/// registry.register(MySource.self)
/// await ETLCommand.main(registry: registry)
/// ```
public struct ETLCommand: AsyncParsableCommand {
    /// The plugins the commands know: set once by ``main(registry:)`` before any command runs.
    private static let plugins = Mutex(PluginRegistry.builtins)

    /// The plugins of this program (the built-ins unless ``main(registry:)`` was given others).
    static var registry: PluginRegistry { plugins.withLock { $0 } }

    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "etl",
        abstract: "Turn web pages into a clean, structured corpus with a pipeline of plugins.",
        discussion: """
            A pipeline file (JSON) names sources, a fetcher, cleaners and extractors, sinks, and a \
            dead-letter sink. Start with the demo:

              etl run pipelines/demo.json
              etl validate pipelines/persian-news.json
              etl extract pipelines/demo-pages/isna.html --explain
              etl plugins            # every plugin with a one-line summary
              etl plugins http       # one plugin's options

            Exit codes: 0 every record went through; 1 some records failed (see the dead-letter sink) \
            or the run stopped; 2 the pipeline file or the command line is invalid; 3 the run could \
            not do its job (a sink or the state failed, every source failed); 130 / 143 a run stopped \
            cleanly by Ctrl-C (SIGINT) / SIGTERM.
            """,
        version: "0.1.0",
        subcommands: [RunCommand.self, ValidateCommand.self, ExtractCommand.self, PluginsCommand.self, StateCommand.self, SchemaCommand.self],
    )

    /// Runs the command line with the plugins of `registry`; usage errors exit with 2, as the README
    /// promises (argument parser's own default is 64).
    public static func main(registry: PluginRegistry) async {
        plugins.withLock { $0 = registry }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            // A run's own codes pass through: 1, 2, and 128 + a signal (130, 143) after a clean stop.
            if code == .success || code.rawValue == 2 || code == .failure || (error is ExitCode && (code.rawValue == 3 || code.rawValue > 128)) {
                exit(withError: error)
            }
            // Argument errors (argument parser's 64): print its message and help hint, exit 2.
            let message = fullMessage(for: error)
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(2)
        }
    }
}

/// Options every pipeline command shares.
struct PipelineOptions: ParsableArguments {
    @Argument(help: "The pipeline file (JSON).", completion: .file(extensions: ["json"]))
    var file: String

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Use VALUE in place of the file's value at PATH (repeatable): --set concurrency=4, --set sinks[0].path=/tmp/a.jsonl. VALUE is JSON when it parses as JSON, else a string; it is checked as the file's values are.",
            valueName: "PATH=VALUE"))
    var overrides: [String] = []

    init() {}

    /// Options for a file named elsewhere (`schema --pipeline`, `extract --pipeline`): every
    /// property set here, since a parsable property read without a value stops the program.
    init(file: String) {
        self.file = file
        self.overrides = []
    }

    /// Loads and validates the pipeline with the built-in plugins; invalid files exit with 2.
    func load() throws -> Pipeline {
        var loader = PipelineLoader(registry: ETLCommand.registry)
        do {
            loader.overrides = try overrides.map { argument throws(PipelineOverrideError) in try PipelineOverride(parsing: argument) }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode(2)
        }
        do {
            let pipeline = try loader.load(file: file)
            for warning in pipeline.warnings {
                Console.error("\(file)\(warning.location.map { ":\($0)" } ?? ""): warning: \(warning.path): \(warning.message)")
            }
            return pipeline
        } catch {
            Console.error(error.description)
            let count = error.diagnostics.count
            Console.error("\(file): \(count) error\(count == 1 ? "" : "s"); the pipeline was not run. See `etl plugins NAME` for a plugin's options.")
            throw ExitCode(2)
        }
    }
}

/// Writing to the terminal.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether standard error is a terminal (progress lines only make sense on one).
    static var isErrorTerminal: Bool { isatty(2) == 1 }
}

import Foundation

/// Runs the built `etl` binary as a user would, and captures what it prints.
package struct CommandLineTool {
    package struct Result {
        package var status: Int32
        package var standardOutput: String
        package var standardError: String
    }

    /// The package's root folder (where Package.swift is).
    package static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder
    }()

    /// The `etl` binary next to the test bundle (SwiftPM builds it because the tests depend on it).
    package static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("etl")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/etl")
    }()

    /// Runs `etl` (or another `program`, such as a checking tool) with `arguments` in `directory`
    /// (the package root by default), with extra environment variables and `input` on its standard
    /// input (none: the test's own).
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL = packageRoot, input: String? = nil,
        program: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        if let input, let inputPipe {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try inputPipe.fileHandleForWriting.close()
        }
        // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }
}

import Foundation
import Testing

/// Ctrl-C and SIGTERM through the real binary: the run stops cleanly, keeps what it fetched and
/// prints its summary.
@Suite struct StopTests {
    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")])
    func aSignalStopsTheRunAndKeepsWhatItFetched(signal: Int32, name: String) async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        // Slow pages, one at a time: a whole run would take 40 × 0.1 s at least.
        try await TestHTTPServer.run(routes: { request in .html("<html><body><p>page \(request.path)</p></body></html>", delay: .milliseconds(100)) }) { server in
            let urls = (1...40).map { "\"\(server.url("/p/\($0)"))\"" }.joined(separator: ", ")
            let pipeline = try output.write("""
                {
                  "sources": [{ "use": "urls", "urls": [\(urls)] }],
                  "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0, "perHost": 1 }],
                  "steps": [],
                  "sinks": [{ "use": "jsonl", "path": "\(output.path("pages.jsonl"))" }],
                  "deadLetters": { "use": "jsonl", "path": "\(output.path("dead.jsonl"))" },
                  "concurrency": 2
                }
                """, to: "pipeline.json")
            let process = Process()
            process.executableURL = CommandLineTool.executable
            process.arguments = ["run", pipeline]
            let standardOutput = Pipe()
            process.standardOutput = standardOutput
            let standardError = Pipe()
            process.standardError = standardError
            try process.run()
            // Stop once a few pages were served.
            let deadline = ContinuousClock.now + .seconds(20)
            while server.exchanges.count < 3 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            kill(process.processIdentifier, signal)
            let printed = String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()

            #expect(process.terminationStatus == 128 + signal, "\(printed)")
            #expect(standardOutput.fileHandleForReading.readDataToEndOfFile().isEmpty)
            #expect(printed.contains("stopped early by \(name)"), "\(printed)")
            // Every page the server answered was written, and the run did not go on to the end.
            let lines = try String(contentsOfFile: output.path("pages.jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count >= 3 && lines.count < 40, "\(lines.count)")
            #expect(lines.count == server.exchanges.count)
            #expect(printed.contains("written \(lines.count)"), "\(printed)")
        }
    }
}

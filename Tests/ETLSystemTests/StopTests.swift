import ETLTestSupport
import Foundation
import Synchronization
import Testing

/// Ctrl-C and SIGTERM through the real binary: the run stops cleanly, keeps what it fetched and
/// prints its summary.
@Suite struct StopTests {
    @Test(arguments: [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")])
    func aSignalStopsTheRunAndKeepsWhatItFetched(signal: Int32, name: String) async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        // Slow pages, one at a time: a whole run would take 40 × 0.1 s at least. The server itself
        // sends the signal when the third page is asked for: a test task can be held up for seconds
        // when the parallel suite keeps both cores busy, and the run would be over.
        let child = Mutex<pid_t>(0)
        let asked = Mutex(0)
        try await TestHTTPServer.run(routes: { request in
            if asked.withLock({
                $0 += 1
                return $0
            }) == 3 {
                kill(child.withLock { $0 }, signal)
            }
            return .html("<html><body><p>page \(request.path)</p></body></html>", delay: .milliseconds(100))
        }) { server in
            let urls = (1...40).map { "\"\(server.url("/p/\($0)"))\"" }.joined(separator: ", ")
            let pipeline = try output.write(
                """
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
            child.withLock { $0 = process.processIdentifier }
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

    /// Records in flight that take longer than --stop-grace after the first signal (a page that
    /// answers in 20 s) end the run at once, with the signal's status, instead of holding it.
    @Test func theGracePeriodEndsAStopThatWouldWait() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let child = Mutex<pid_t>(0)
        let asked = Mutex(0)
        try await TestHTTPServer.run(routes: { request in
            if asked.withLock({
                $0 += 1
                return $0
            }) == 2 {
                kill(child.withLock { $0 }, SIGTERM)
            }
            return .html("<html><body><p>slow</p></body></html>", delay: .seconds(20))
        }) { server in
            let urls = (1...4).map { "\"\(server.url("/p/\($0)"))\"" }.joined(separator: ", ")
            let pipeline = try output.write(
                """
                {"sources": [{ "use": "urls", "urls": [\(urls)] }],
                 "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0, "perHost": 2, "timeout": 60 }],
                 "steps": [], "sinks": [{ "use": "jsonl", "path": "\(output.path("pages.jsonl"))" }],
                 "deadLetters": { "use": "jsonl", "path": "\(output.path("dead.jsonl"))" }, "concurrency": 2}
                """, to: "pipeline.json")
            let process = Process()
            process.executableURL = CommandLineTool.executable
            process.arguments = ["run", pipeline, "--stop-grace", "1"]
            process.standardOutput = FileHandle.nullDevice
            let standardError = Pipe()
            process.standardError = standardError
            let started = ContinuousClock.now
            try process.run()
            child.withLock { $0 = process.processIdentifier }
            let printed = String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 143, "\(printed)")
            #expect(printed.contains("took more than 1 s; stopped at once"), "\(printed)")
            #expect(ContinuousClock.now - started < .seconds(19), "the pages answer after 20 s")
        }
    }
}

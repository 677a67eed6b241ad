import ETLTestSupport
import Foundation
import GRDB
import Testing

/// `kill -9` at any moment, then run again: the run finishes, no record is missing and none is
/// doubled in the `sqlite` and `jsonl` sinks.
@Suite struct KillResumeTests {
    /// The pipeline's state in place of its SQLite file (`--set state=…`): ``PostgresStateTests``
    /// runs this test again with a database's URL.
    var state: String?

    @Test func killedRunsResumeWithoutLossOrDoubles() async throws {
        let settings = state.map { ["--set", "state=\($0)"] } ?? []
        var site = try LocalNewsSite(count: 160)
        site.pageDelay = .milliseconds(60)
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await site.serve { server, _ in
            let environment = ProcessInfo.processInfo.environment.merging(["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"]) { _, new in new }
            // Killed three times part-way, at different moments (each run commits its progress every
            // second, so later runs have less left to do).
            var killed = 0
            for milliseconds in [1_000, 1_300, 1_600] {
                let process = Process()
                process.executableURL = CommandLineTool.executable
                process.arguments = ["run", "pipelines/news-site.json", "--quiet"] + settings
                process.currentDirectoryURL = CommandLineTool.packageRoot
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                try await Task.sleep(for: .milliseconds(milliseconds))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                if process.terminationReason == .uncaughtSignal { killed += 1 }
            }
            #expect(killed >= 2, "only \(killed) of 3 runs were still going when killed")
            let final = try CommandLineTool.run(
                ["run", "pipelines/news-site.json"] + settings, environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"])
            #expect(final.status == 0, "\(final.standardError)")
        }
        let lines = try readJSONLines(output.path("articles.jsonl"))
        let urls = lines.compactMap { $0["url"] as? String }
        #expect(urls.count == 160, "JSONL has \(urls.count) lines")
        #expect(Set(urls).count == 160, "JSONL has \(urls.count - Set(urls).count) doubled records")
        let database = try DatabaseQueue(path: output.path("articles.sqlite"))
        let rows = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM articles") }
        #expect(rows == 160)
    }
}

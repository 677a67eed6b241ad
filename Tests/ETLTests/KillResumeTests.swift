import Foundation
import GRDB
import Synchronization
import Testing

/// `kill -9` at any moment, then run again: the run finishes, no record is missing and none is
/// doubled in the `sqlite` and `jsonl` sinks.
@Suite struct KillResumeTests {
    @Test func killedRunsResumeWithoutLossOrDoubles() async throws {
        let names = try DemoExpectation.all().keys.sorted()
        var pages: [String: [UInt8]] = [:]
        for index in 0..<160 {
            let name = names[index % names.count]
            pages["/news/\(index)"] = try Array(Data(contentsOf: DemoExpectation.pagesFolder.appendingPathComponent(name)))
        }
        let served = pages
        let base = Mutex("")
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: { request in
            let root = base.withLock { $0 }
            switch request.path {
            case "/robots.txt": return TestResponse(status: 200, body: Array("User-agent: *\nAllow: /\n".utf8))
            case "/sitemap.xml":
                let urls = served.keys.sorted().map { "<url><loc>\(root)\($0)</loc></url>" }.joined()
                return TestResponse(status: 200, headers: [("content-type", "application/xml")],
                                    body: Array("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(urls)</urlset>".utf8))
            default:
                guard let page = served[request.path] else { return TestResponse(status: 404) }
                return TestResponse(status: 200, headers: [("content-type", "text/html")], body: page, delay: .milliseconds(60))
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            let environment = ProcessInfo.processInfo.environment.merging(["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"]) { _, new in new }
            // Killed three times part-way, at different moments (each run commits its progress every
            // second, so later runs have less left to do).
            var killed = 0
            for milliseconds in [1_000, 1_300, 1_600] {
                let process = Process()
                process.executableURL = CommandLineTool.executable
                process.arguments = ["run", "pipelines/news-site.json", "--quiet"]
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
            let final = try CommandLineTool.run(["run", "pipelines/news-site.json"], environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"])
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

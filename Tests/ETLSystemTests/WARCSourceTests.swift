import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import ETLPlugins

/// The `warc` source: archived pages back as records, filters, revisits, remote files.
@Suite struct WARCSourceTests {
    /// A response record of an HTML page (or of another media type) at `url`.
    static func response(
        _ url: String, body: String, contentType: String = "text/html; charset=utf-8", date: String = "2024-05-01T10:00:00Z",
        status: String = "200 OK", extraHeaders: String = ""
    ) -> WARCRecord {
        let head = Array("HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\n\(extraHeaders)Content-Length: \(body.utf8.count)\r\n\r\n".utf8)
        var fields = WARCFields()
        fields.append("WARC-Type", "response")
        fields.append("WARC-Record-ID", WARCRecord.newRecordID())
        fields.append("WARC-Date", date)
        fields.append("WARC-Target-URI", url)
        fields.append("Content-Type", "application/http;msgtype=response")
        fields.append("WARC-Payload-Digest", WARCRecord.digest(of: Array(body.utf8)[...]))
        return WARCRecord(fields: fields, block: head + Array(body.utf8))
    }

    static func revisit(_ url: String, digest: String?, profile: WARCRecord.RevisitProfile, date: String) -> WARCRecord {
        var fields = WARCFields()
        fields.append("WARC-Type", "revisit")
        fields.append("WARC-Record-ID", WARCRecord.newRecordID())
        fields.append("WARC-Date", date)
        fields.append("WARC-Target-URI", url)
        fields.append("WARC-Profile", profile.uri)
        if let digest { fields.append("WARC-Payload-Digest", digest) }
        return WARCRecord(fields: fields, block: Array("HTTP/1.1 304 Not Modified\r\n\r\n".utf8))
    }

    static func write(_ records: [WARCRecord], to path: String, compressed: Bool) throws {
        let descriptor = try #require(POSIXFile.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC))
        defer { _ = POSIXFile.close(descriptor) }
        let writer = WARCWriter(path: path, descriptor: descriptor, compresses: compressed)
        for record in records { try writer.write(record) }
    }

    /// Runs a source alone and collects what it sends.
    static func collect(_ source: some Source, context: RunContext = .namingLoopback()) async throws -> [Record] {
        let records = Mutex<[Record]>([])
        try await source.produce(into: RecordOutput { record in records.withLock { $0.append(record) } }, context: context)
        return records.withLock { $0 }
    }

    @Test func pagesComeBackWithTheirStoredResponseAndRevisitsResolveAcrossFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let page = "<html><body><p>صفحه\u{200C}ای</p></body></html>"
        let original = Self.response("https://example.ir/a", body: page, extraHeaders: "ETag: \"x\"\r\n")
        // The revisits come first in the glob's order: resolved once their original is read.
        try Self.write(
            [
                Self.revisit(
                    "https://example.ir/a", digest: original.fields["WARC-Payload-Digest"], profile: .identicalPayloadDigest, date: "2024-05-02T10:00:00Z"),
                Self.revisit(
                    "https://example.ir/gone", digest: "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", profile: .identicalPayloadDigest, date: "2024-05-02T10:00:00Z"),
                Self.revisit("https://example.ir/c", digest: nil, profile: .serverNotModified, date: "2024-05-03T10:00:00Z"),
            ], to: folder.path("0-revisits.warc"), compressed: false)
        try Self.write(
            [
                WARCExchangeRecords.warcinfo(fileName: "1-originals.warc.gz", date: Date()),
                original,
                Self.response("https://example.ir/b.pdf", body: "%PDF-1.4", contentType: "application/pdf"),
                Self.response("https://example.ir/c", body: "<p>c</p>"),
                Self.response("https://example.ir/missing", body: "<p>not found</p>", status: "404 Not Found"),
                Self.response("dns:example.ir", body: "1.2.3.4", contentType: "text/dns"),
            ], to: folder.path("1-originals.warc.gz"), compressed: true)

        var source = try WARCSource(options: PluginOptions(["glob": "*.warc*"]))
        source.baseDirectory = folder.url.path
        let records = try await Self.collect(source)
        #expect(records.map(\.url) == ["https://example.ir/a", "https://example.ir/c", "https://example.ir/a", "https://example.ir/c"])
        let first = try #require(records.first)
        #expect(first.document?.text == page)
        #expect(first.response?.status == 200)
        #expect(first.response?.header("etag") == "\"x\"")
        #expect(first.output["fetchedAt"] == "2024-05-01T10:00:00Z")
        #expect(first.source == "warc")
        // The revisit: the original's page at the revisit's date.
        #expect(records[2].document?.text == page)
        #expect(records[2].output["fetchedAt"] == "2024-05-02T10:00:00Z")
        #expect(records[3].output["fetchedAt"] == "2024-05-03T10:00:00Z")
        // No record needs a fetch.
        #expect(records.allSatisfy { $0.document != nil })

        var filtered = try WARCSource(options: PluginOptions(["glob": "*.warc*", "exclude": ["/c$"], "mediaTypes": ["application/pdf"]]))
        filtered.baseDirectory = folder.url.path
        // A PDF is binary: no media-type setting makes it a text record.
        #expect(try await Self.collect(filtered).isEmpty)
        var included = try WARCSource(options: PluginOptions(["glob": "*.warc*", "include": ["/c$"]]))
        included.baseDirectory = folder.url.path
        #expect(try await Self.collect(included).map(\.url) == ["https://example.ir/c", "https://example.ir/c"])
    }

    /// One id, two kinds: each list finds its own, and `etl plugins warc` shows both.
    @Test func theSourceAndTheSinkShareTheirId() throws {
        let registry = PluginRegistry.builtins
        #expect(registry.plugin("warc", among: [.source]) is WARCSource.Type)
        #expect(registry.plugin("warc", among: [.sink]) is WARCSink.Type)
        #expect(registry.plugins("warc").count == 2)
        let shown = try CommandLineTool.run(["plugins", "warc"])
        #expect(shown.status == 0)
        #expect(shown.standardOutput.contains("warc (source)") && shown.standardOutput.contains("warc (sink)"), "\(shown.standardOutput)")
    }

    @Test func optionsAreChecked() {
        #expect(throws: OptionError.self) { try WARCSource(options: PluginOptions([:])) }
        #expect(throws: OptionError.self) { try WARCSource(options: PluginOptions(["urls": ["file:///etc/passwd"]])) }
        #expect(throws: OptionError.self) { try WARCSource(options: PluginOptions(["glob": "x.warc", "include": ["("]])) }
    }

    /// A remote file is read a range at a time through the http fetcher's machinery; a server
    /// without ranges works for a file that fits one range; a redirect to an address nobody named
    /// is refused.
    @Test func remoteFilesAreReadInRanges() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let records = (0..<20).map { Self.response("https://example.ir/\($0)", body: "<p>" + String(repeating: "متن \($0) ", count: 200) + "</p>") }
        let path = folder.path("remote.warc.gz")
        try Self.write(records, to: path, compressed: true)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/crawl.warc.gz": return RangeServing.respond(to: request, with: bytes)
            case "/no-ranges.warc.gz": return TestResponse(headers: [("content-type", "application/octet-stream")], body: bytes)
            case "/elsewhere.warc.gz": return .redirect(to: "http://127.0.0.2:9/x.warc.gz")
            default: return .notFound
            }
        }) { server in
            let quiet: [String: JSONValue] = ["delay": 0, "robots": false]
            var source = try WARCSource(options: PluginOptions(quiet.merging(["urls": .array([.string(server.url("/crawl.warc.gz"))])]) { $1 }))
            source.rangeSize = 4096
            let read = try await Self.collect(source)
            #expect(read.map(\.url) == (0..<20).map { "https://example.ir/\($0)" })
            let ranges = server.exchanges.compactMap { $0.request.header("range") }
            #expect(ranges.count == (bytes.count + 4095) / 4096, "\(ranges)")
            #expect(ranges.first == "bytes=0-4095")

            let whole = try WARCSource(options: PluginOptions(quiet.merging(["urls": .array([.string(server.url("/no-ranges.warc.gz"))])]) { $1 }))
            #expect(try await Self.collect(whole).count == 20)

            let elsewhere = try WARCSource(options: PluginOptions(quiet.merging(["urls": .array([.string(server.url("/elsewhere.warc.gz"))])]) { $1 }))
            let error = await #expect(throws: WARCSourceError.self) { _ = try await Self.collect(elsewhere) }
            #expect(error?.description.contains("127.0.0.2") == true, "\(String(describing: error))")
        }
    }

    /// A crawl archived by the warc sink, read again by the warc source through the same steps,
    /// gives the live run's records: same fields, same fetchedAt, a redirect's url and requestedUrl.
    @Test func reExtractionFromTheArchiveGivesTheLiveRecords() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var site = try LocalNewsSite()
        site.movedPages = [(from: "/moved", to: "/news/new-place")]
        try await site.serve { server, base in
            let urls = site.pages.map { base + $0.path } + [base + "/moved", base + "/missing"]
            let list = urls.map { "\"\($0)\"" }.joined(separator: ", ")
            let live = """
                {"sources": [{"use": "urls", "urls": [\(list)]}], "fetch": [{"use": "http", "delay": 0, "robots": false}],
                 "sinks": [{"use": "jsonl", "path": "\(folder.path("live.jsonl"))"}, {"use": "warc", "path": "\(folder.path("warc/c-{n}.warc.gz"))"}],
                 "deadLetters": {"use": "jsonl", "path": "\(folder.path("live-dead.jsonl"))"}}
                """
            _ = try await PipelineRunner(pipeline: PipelineLoader(registry: .builtins, environment: [:]).load(text: live)).run()
        }
        let offline = """
            {"sources": [{"use": "warc", "glob": "\(folder.path("warc/*.warc.gz"))"}],
             "sinks": [{"use": "jsonl", "path": "\(folder.path("again.jsonl"))"}], "deadLetters": {"use": "jsonl", "path": "\(folder.path("again-dead.jsonl"))"}}
            """
        let summary = try await PipelineRunner(pipeline: PipelineLoader(registry: .builtins, environment: [:]).load(text: offline)).run()
        func lines(_ name: String) throws -> Set<String> {
            Set(try String(contentsOfFile: folder.path(name), encoding: .utf8).split(separator: "\n").map(String.init))
        }
        let liveLines = try lines("live.jsonl")
        #expect(liveLines.count == site.pages.count + 1)
        #expect(liveLines.contains { $0.contains("\"requestedUrl\":") && $0.contains("/news/new-place") })
        #expect(summary.written == liveLines.count)
        #expect(try lines("again.jsonl") == liveLines)
    }

    /// Issue #13's "done when": a crawl of pipelines/news-site.json with a warc sink added,
    /// re-extracted offline with pipelines/reextract.json, gives records equal to the live run's;
    /// warcio checks every file.
    @Test func newsSiteCrawlReExtractsOfflineIntoTheSameRecords() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let site = try LocalNewsSite()
        // news-site.json as shipped, with a warc sink added to its sinks.
        let shipped = try Data(contentsOf: CommandLineTool.packageRoot.appendingPathComponent("pipelines/news-site.json"))
        var pipeline = try #require(try JSONSerialization.jsonObject(with: shipped) as? [String: Any])
        pipeline["sinks"] = (pipeline["sinks"] as? [Any] ?? []) + [["use": "warc", "path": "${OUT}/warc/crawl-{n}.warc.gz"]]
        pipeline.removeValue(forKey: "$schema")
        let withArchive = output.path("news-site-archived.json")
        try JSONSerialization.data(withJSONObject: pipeline).write(to: URL(fileURLWithPath: withArchive))
        try await site.serve { server, _ in
            let crawl = try CommandLineTool.run(
                ["run", withArchive],
                environment: ["SITE": server.url(""), "OUT": output.url.path, "DELAY": "0"])
            #expect(crawl.status == 0, "\(crawl.standardError)")
        }
        let again = try CommandLineTool.run(
            ["run", "pipelines/reextract.json"],
            environment: ["WARCS": output.path("warc/*.warc.gz"), "OUT": output.path("again")])
        #expect(again.status == 0, "\(again.standardError)")
        func lines(_ path: String) throws -> Set<String> {
            Set(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init))
        }
        let live = try lines(output.path("articles.jsonl"))
        #expect(live.count == site.pages.count)
        #expect(try lines(output.path("again/articles.jsonl")) == live)
        let files = try FileManager.default.contentsOfDirectory(atPath: output.path("warc")).map { output.path("warc/" + $0) }
        let check = try Warcio.run(["-m", "warcio.cli", "check"] + files)
        #expect(check.status == 0, "\(check.standardOutput)")
    }
}

import ETLKit
import ETLTestSupport
import Foundation
import Synchronization
import Testing

@testable import ETLPlugins

/// The `cdx` source against a loopback server that serves a WARC file with range support and a
/// CDX answer made from it (the offsets and lengths the reader finds, as `warcio index` gives them).
@Suite struct CDXSourceTests {
    @Test func indexedRecordsAreReadWithOneRangeRequestEach() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let records =
            [WARCExchangeRecords.warcinfo(fileName: "crawl.warc.gz", date: Date())]
            + (0..<6).map { WARCSourceTests.response("https://news.example.ir/\($0)", body: "<p>خبر \($0)</p>") }
            + [WARCSourceTests.response("https://news.example.ir/6", body: "gone", status: "404 Not Found")]
        let path = folder.path("crawl.warc.gz")
        try WARCSourceTests.write(records, to: path, compressed: true)
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // The index: one JSON line per response, offset and length of its gzip member.
        let entries = try await readWARC(path)
        let offsets = entries.map(\.entry.offset) + [bytes.count]
        var lines: [String] = []
        for (index, entry) in entries.enumerated() where entry.entry.fields.type == "response" {
            let target = entry.entry.fields["WARC-Target-URI"] ?? ""
            let status = target.hasSuffix("/6") ? "404" : "200"
            lines.append(
                #"{"urlkey": "ir,example,news)/", "timestamp": "20240501100000", "url": "\#(target)", "mime": "text/html", "status": "\#(status)", "#
                    + #""digest": "X", "length": "\#(offsets[index + 1] - offsets[index])", "offset": "\#(offsets[index])", "filename": "files/crawl.warc.gz"}"#
            )
        }
        // Every other record: the index lists a subset, as a filtered query would.
        let answer = lines.enumerated().filter { $0.offset % 2 == 0 || $0.offset == lines.count - 1 }.map(\.element).joined(separator: "\n") + "\n"
        let queries = Mutex<[String]>([])
        try await TestHTTPServer.run(routes: { request in
            if request.path.hasPrefix("/cdx?") {
                queries.withLock { $0.append(request.path) }
                return TestResponse(headers: [("content-type", "text/x-ndjson")], body: Array(answer.utf8))
            }
            if request.path == "/files/crawl.warc.gz" { return RangeServing.respond(to: request, with: bytes) }
            return .notFound
        }) { server in
            let source = try CDXSource(
                options: PluginOptions([
                    "server": .string(server.url("/cdx")), "url": "news.example.ir/*", "filters": ["=status:200", "mime:text/html"],
                    "archive": .string(server.url("/")), "delay": 0, "robots": false, "limit": 50,
                ]))
            let read = try await WARCSourceTests.collect(source)
            #expect(read.map(\.url) == ["https://news.example.ir/0", "https://news.example.ir/2", "https://news.example.ir/4"])
            #expect(read.first?.document?.text == "<p>خبر 0</p>")
            #expect(read.first?.output["fetchedAt"] == "2024-05-01T10:00:00Z")
            #expect(queries.withLock { $0 } == ["/cdx?url=news.example.ir/*&output=json&filter=%3Dstatus:200&filter=mime:text/html&limit=50"])
            // One range request per record read, exactly its member; the 404 line is never asked for.
            let ranges = server.exchanges.filter { $0.request.path.hasPrefix("/files/") }.compactMap { $0.request.header("range") }
            let expected = [0, 2, 4].map { number -> String in
                let index = entries.firstIndex { $0.entry.fields["WARC-Target-URI"] == "https://news.example.ir/\(number)" } ?? 0
                return "bytes=\(offsets[index])-\(offsets[index + 1] - 1)"
            }
            #expect(ranges == expected)
        }
    }

    @Test func remoteAnswersCannotSendTheSourceToLocalFiles() throws {
        let local = try #require(CDXEntry(json: Array(#"{"filename": "file:///etc/passwd", "offset": "0", "length": "10", "status": "200"}"#.utf8)))
        #expect(local.location(archive: "https://data.commoncrawl.org/") == nil)
        let relative = try #require(CDXEntry(json: Array(#"{"filename": "crawl-data/a.warc.gz", "offset": 5, "length": 10, "status": "200"}"#.utf8)))
        #expect(relative.location(archive: "https://data.commoncrawl.org/")?.url == "https://data.commoncrawl.org/crawl-data/a.warc.gz")
        let revisit = try #require(CDXEntry(json: Array(#"{"filename": "a.warc.gz", "offset": 5, "length": 10, "status": "-"}"#.utf8)))
        #expect(revisit.location(archive: "https://x/") == nil)
        #expect(throws: OptionError.self) { try CDXSource(options: PluginOptions(["server": "file:///tmp/cdx", "url": "x"])) }
    }
}

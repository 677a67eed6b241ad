import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `http` fetcher keeping transfers as bytes on the wire, and the `warc` sink writing them.
@Suite struct WARCSinkTests {
    static let page =
        "<html><head><title>خبر</title></head><body><article><p>" + String(repeating: "متن خبر با نیم\u{200C}فاصله. ", count: 40)
        + "</p></article></body></html>"

    /// A gzip-compressed, chunked response: kept raw in the exchange, decoded in the document.
    @Test func recordedTransfersKeepTheBytesAsReceived() async throws {
        let compressed = try Gzip.member(of: [Array(Self.page.utf8)])
        try await TestHTTPServer.run(routes: { request in
            #expect(request.header("accept-encoding") == "gzip, deflate")
            return TestResponse(
                headers: [("content-type", "text/html; charset=utf-8"), ("content-encoding", "gzip"), ("transfer-encoding", "chunked")],
                body: compressed)
        }) { server in
            let context = RunContext.namingLoopback()
            _ = context.services.value { ExchangeRecording(isOn: true) }
            let fetcher = try HTTPFetcherTests.fetcher()
            let record = try await fetcher.fetch(Record(url: server.url("/news/1"), source: "test"), context: context)
            #expect(record.document?.text == Self.page)
            let exchange = try #require(record.response?.exchanges.last)
            #expect(record.response?.exchanges.count == 1)
            #expect(String(decoding: exchange.request, as: UTF8.self).hasPrefix("GET /news/1 HTTP/1.1\r\n"))
            #expect(exchange.request.suffix(4).elementsEqual([13, 10, 13, 10]))
            let head = String(decoding: exchange.responseHead, as: UTF8.self)
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.hasSuffix("\r\n\r\n"), "\(head)")
            #expect(head.lowercased().contains("transfer-encoding: chunked"))
            // The body as sent: chunk framing around the gzip bytes.
            #expect(exchange.responseBody != compressed)
            #expect(try HTTPChunkedBody.decode(exchange.responseBody[...]) == compressed)
            #expect(exchange.remoteAddress == "127.0.0.1")
        }
    }

    /// Without a sink that archives, nothing is kept (and libcurl decodes as before).
    @Test func transfersAreNotKeptUnlessASinkArchivesThem() async throws {
        try await TestHTTPServer.run(routes: { _ in .html(Self.page) }) { server in
            let record = try await HTTPFetcherTests.fetcher().fetch(Record(url: server.url("/"), source: "test"), context: .namingLoopback())
            #expect(record.response?.exchanges.isEmpty == true)
            #expect(record.document?.text == Self.page)
        }
    }

    /// A redirect's hop is archived before the page, each as a response and a request record.
    @Test func redirectHopsAreRecordedInOrder() async throws {
        try await TestHTTPServer.run(routes: { request in
            request.path == "/old" ? .redirect(to: "/new") : .html(Self.page)
        }) { server in
            let context = RunContext.namingLoopback()
            _ = context.services.value { ExchangeRecording(isOn: true) }
            let record = try await HTTPFetcherTests.fetcher().fetch(Record(url: server.url("/old"), source: "test"), context: context)
            #expect(record.response?.exchanges.map(\.url) == [server.url("/old"), server.url("/new")])
            let firstHead = record.response?.exchanges.first?.responseHead ?? []
            #expect(String(decoding: firstHead, as: UTF8.self).hasPrefix("HTTP/1.1 302"))
        }
    }

    func pipelineText(urls: [String], folder: TemporaryFolder, maxSize: Int? = nil, state: Bool = false) -> String {
        let list = urls.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            {"sources": [{"use": "urls", "urls": [\(list)]}],
             "fetch": [{"use": "http", "delay": 0, "robots": false}],
             "steps": [],
             "sinks": [{"use": "warc", "path": "\(folder.path("warc/crawl-{n}.warc.gz"))"\(maxSize.map { ", \"maxSize\": \($0)" } ?? "")}],
             "deadLetters": {"use": "jsonl", "path": "\(folder.path("dead.jsonl"))"}\(state ? ", \"state\": \"\(folder.path("state.sqlite"))\"" : "")}
            """
    }

    func run(_ text: String, state: String? = nil) async throws -> RunSummary {
        let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(text: text)
        guard let state else { return try await PipelineRunner(pipeline: pipeline).run() }
        let store = try SQLiteStateStore(path: state)
        let summary = try await PipelineRunner(pipeline: pipeline, stateStore: store).run()
        try await store.close()
        return summary
    }

    func warcFiles(_ folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path("warc")).sorted().map { folder.path("warc/" + $0) }
    }

    @Test func aRunArchivesEachPageWithItsRequestInRotatedFiles() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let body = Array(Self.page.utf8)
        try await TestHTTPServer.run(routes: { _ in .html(body) }) { server in
            let urls = (0..<12).map { server.url("/news/\($0)") }
            let summary = try await run(pipelineText(urls: urls, folder: folder, maxSize: 12_000))
            #expect(summary.written == 12)
            let files = try warcFiles(folder)
            #expect(files.count > 1, "\(files)")
            #expect(files.first?.hasSuffix("crawl-00000.warc.gz") == true)
            var targets: [String] = []
            for file in files {
                let records = try await readWARC(file)
                #expect(records.first?.entry.fields.type == "warcinfo")
                #expect(records.first?.entry.offset == 0)
                let warcinfoID = records.first?.entry.fields["WARC-Record-ID"]
                for record in records.dropFirst() {
                    #expect(record.entry.fields["WARC-Warcinfo-ID"] == warcinfoID)
                    #expect(record.entry.fields["WARC-Block-Digest"] == WARCRecord.digest(of: record.block[...]))
                }
                let responses = records.filter { $0.entry.fields.type == "response" }
                #expect(records.filter { $0.entry.fields.type == "request" }.count == responses.count)
                for response in responses {
                    targets.append(response.entry.fields["WARC-Target-URI"] ?? "")
                    #expect(String(decoding: response.block, as: UTF8.self).hasSuffix(Self.page))
                    #expect(response.entry.fields["WARC-Payload-Digest"] == WARCRecord.digest(of: body[...]))
                }
                // Rotated at maxSize: only a file's single page may take it over.
                let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
                #expect(size <= 12_000 || responses.count == 1)
            }
            #expect(Set(targets) == Set(urls))

            // A second run adds files after the last number; none is overwritten.
            let before = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
            _ = try await run(pipelineText(urls: Array(urls.prefix(1)), folder: folder))
            let after = try warcFiles(folder)
            #expect(after.count == files.count + 1)
            #expect(try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
        }
    }

    /// Pages the state finds unchanged become revisit records: a 304 (server-not-modified) and a
    /// body that hashes as before (identical-payload-digest).
    @Test func unchangedPagesBecomeRevisitRecords() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let body = Array(Self.page.utf8)
        try await TestHTTPServer.run(routes: { request in
            if request.path == "/etag" {
                if request.header("if-none-match") == "\"v1\"" { return TestResponse(status: 304, headers: [("etag", "\"v1\"")]) }
                return TestResponse(headers: [("content-type", "text/html"), ("etag", "\"v1\"")], body: body)
            }
            return .html(body)
        }) { server in
            let text = pipelineText(urls: [server.url("/etag"), server.url("/plain")], folder: folder, state: true)
            let first = try await run(text, state: folder.path("state.sqlite"))
            #expect(first.written == 2)
            let second = try await run(text, state: folder.path("state.sqlite"))
            #expect(second.unchanged == 2)
            let files = try warcFiles(folder)
            #expect(files.count == 2)
            let revisits = try await readWARC(files[1]).filter { $0.entry.fields.type == "revisit" }
            #expect(revisits.count == 2)
            let byTarget = Dictionary(uniqueKeysWithValues: revisits.map { ($0.entry.fields["WARC-Target-URI"] ?? "", $0) })
            let notModified = try #require(byTarget[server.url("/etag")])
            #expect(notModified.entry.fields["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified")
            #expect(String(decoding: notModified.block, as: UTF8.self).hasPrefix("HTTP/1.1 304"))
            let sameDigest = try #require(byTarget[server.url("/plain")])
            #expect(sameDigest.entry.fields["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
            #expect(sameDigest.entry.fields["WARC-Payload-Digest"] == WARCRecord.digest(of: body[...]))
            #expect(sameDigest.entry.fields["WARC-Refers-To-Target-URI"] == server.url("/plain"))
            // The state keeps the validators of the first fetch through the 304.
            let store = try SQLiteStateStore(path: folder.path("state.sqlite"))
            #expect(try await store.entry(for: CanonicalURL.canonical(server.url("/etag")))?.etag == "\"v1\"")
            try await store.close()
        }
    }

    @Test func validateSaysAFilesSourceHasNothingToArchive() throws {
        let loader = PipelineLoader(registry: .builtins, environment: [:])
        let onlyFiles = """
            {"sources": [{"use": "files", "glob": "pipelines/demo-pages/*.html"}],
             "sinks": [{"use": "warc", "path": "/tmp/warc-test/x-{n}.warc.gz"}]}
            """
        let error = #expect(throws: PipelineError.self) { try loader.load(text: onlyFiles) }
        #expect(error?.description.contains("nothing of theirs to archive") == true, "\(String(describing: error))")
        let mixed = """
            {"sources": [{"use": "files", "glob": "pipelines/demo-pages/*.html"}, {"use": "urls", "urls": ["https://example.com/"]}],
             "sinks": [{"use": "warc", "path": "/tmp/warc-test/x-{n}.warc.gz"}]}
            """
        let pipeline = try loader.load(text: mixed)
        #expect(pipeline.warnings.contains { $0.message.contains("\"files\"") && $0.message.contains("not archived") })
        let noCounter = #"{"sources": ["urls"], "sinks": [{"use": "warc", "path": "out/crawl.warc.gz"}]}"#
        let counterError = #expect(throws: PipelineError.self) { try loader.load(text: noCounter) }
        #expect(counterError?.description.contains("{n}") == true)
    }
}

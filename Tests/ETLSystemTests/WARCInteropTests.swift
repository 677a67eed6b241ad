import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Testing

@testable import ETLPlugins

/// WARC files against warcio (PyPI), the reference Python implementation: what the `warc` sink
/// writes passes `warcio check` and `warcio index`, and the `warc` source reads what warcio writes.
@Suite(.serialized) struct WARCInteropTests {
    static let page =
        "<html><head><title>آزمون</title></head><body><article><p>" + String(repeating: "متن با نیم\u{200C}فاصله و chunked. ", count: 30)
        + "</p></article></body></html>"

    /// A crawl with a plain page, a chunked gzip page, a redirect and (second run, with state) a
    /// 304 and a page that hashes as before: every file passes warcio's digest check, and warcio's
    /// index finds the records where the reader does.
    @Test func sinkOutputPassesWarcioCheckAndIndex() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let compressed = try Gzip.member(of: [Array(Self.page.utf8)])
        try await TestHTTPServer.run(routes: { request in
            switch request.path {
            case "/chunked":
                return TestResponse(
                    headers: [("content-type", "text/html; charset=utf-8"), ("content-encoding", "gzip"), ("transfer-encoding", "chunked")],
                    body: compressed)
            case "/old": return .redirect(to: "/new")
            case "/etag":
                if request.header("if-none-match") == "\"e1\"" { return TestResponse(status: 304, headers: [("etag", "\"e1\"")]) }
                return TestResponse(headers: [("content-type", "text/html"), ("etag", "\"e1\"")], body: Array(Self.page.utf8))
            default: return .html(Self.page)
            }
        }) { server in
            let urls = ["/plain", "/chunked", "/old", "/etag"].map { "\"\(server.url($0))\"" }.joined(separator: ", ")
            let text = """
                {"sources": [{"use": "urls", "urls": [\(urls)]}], "fetch": [{"use": "http", "delay": 0, "robots": false}], "steps": [],
                 "sinks": [{"use": "warc", "path": "\(folder.path("warc/t-{n}.warc.gz"))"}, {"use": "warc", "path": "\(folder.path("plain/t-{n}.warc"))"}],
                 "deadLetters": {"use": "jsonl", "path": "\(folder.path("dead.jsonl"))"}, "state": "\(folder.path("state.sqlite"))"}
                """
            for _ in 0..<2 {
                let store = try SQLiteStateStore(path: folder.path("state.sqlite"))
                _ = try await PipelineRunner(pipeline: PipelineLoader(registry: .builtins, environment: [:]).load(text: text), stateStore: store).run()
                try await store.close()
            }
        }
        let files = try ["warc", "plain"].flatMap { sub in
            try FileManager.default.contentsOfDirectory(atPath: folder.path(sub)).sorted().map { folder.path("\(sub)/\($0)") }
        }
        #expect(files.count == 4, "\(files)")
        let check = try Warcio.run(["-m", "warcio.cli", "check", "-v"] + files)
        #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
        #expect(check.standardOutput.components(separatedBy: "digest pass").count - 1 >= 10, "\(check.standardOutput)")
        #expect(!check.standardOutput.contains("fail"), "\(check.standardOutput)")
        #expect(check.standardOutput.contains("not checked (revisit)"))

        for file in files {
            let index = try Warcio.run(["-m", "warcio.cli", "index", "-f", "warc-type,warc-target-uri,offset,length", file])
            #expect(index.status == 0, "\(index.standardError)")
            let lines = index.standardOutput.split(separator: "\n").compactMap { line in
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            }
            let ours = try await readWARC(file)
            #expect(lines.map { $0["warc-type"] ?? "" } == ours.map { $0.entry.fields.type ?? "" })
            #expect(lines.map { Int($0["offset"] ?? "") ?? -1 } == ours.map(\.entry.offset))
        }
        // Per folder: four pages and a redirect hop the first time, four revisits the second.
        let types = try await files.asyncFlatMap { try await readWARC($0).map { $0.entry.fields.type ?? "" } }
        #expect(types.filter { $0 == "revisit" }.count == 8, "\(types)")
        #expect(types.filter { $0 == "response" }.count == 10, "\(types)")

        // warcio undoes the chunks and the gzip of the archived body and finds the page.
        let script = """
            import sys
            from warcio.archiveiterator import ArchiveIterator
            for record in ArchiveIterator(open(sys.argv[1], 'rb')):
                if record.rec_type == 'response' and record.rec_headers.get_header('WARC-Target-URI').endswith('/chunked'):
                    sys.stdout.write(record.content_stream().read().decode('utf-8'))
            """
        let payload = try Warcio.run(["-c", script, files[0]])
        #expect(payload.status == 0, "\(payload.standardError)")
        #expect(payload.standardOutput == Self.page)
    }

    /// The source reads files warcio wrote, gzip and uncompressed: a plain response, a chunked
    /// one, and a revisit of the first, resolved to its body.
    @Test func sourceReadsFilesWrittenByWarcio() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let script = """
            import io, sys
            from warcio.warcwriter import WARCWriter
            from warcio.statusandheaders import StatusAndHeaders
            for path, gzip in ((sys.argv[1], True), (sys.argv[2], False)):
                with open(path, 'wb') as out:
                    writer = WARCWriter(out, gzip=gzip)
                    body = '<html><body><p>سلام از warcio</p></body></html>'.encode('utf-8')
                    headers = StatusAndHeaders('200 OK', [('Content-Type', 'text/html; charset=utf-8'), ('Content-Length', str(len(body)))], protocol='HTTP/1.1')
                    plain = writer.create_warc_record('http://example.com/plain', 'response', payload=io.BytesIO(body), http_headers=headers)
                    writer.write_record(plain)
                    chunked = b'9\\r\\n<p>chunke\\r\\n6\\r\\nd</p>\\n\\r\\n0\\r\\n\\r\\n'
                    headers = StatusAndHeaders('200 OK', [('Content-Type', 'text/html'), ('Transfer-Encoding', 'chunked')], protocol='HTTP/1.1')
                    writer.write_record(writer.create_warc_record('http://example.com/chunked', 'response', payload=io.BytesIO(chunked), http_headers=headers))
                    revisit = writer.create_revisit_record('http://example.com/plain', digest=plain.rec_headers.get_header('WARC-Payload-Digest'),
                                                           refers_to_uri='http://example.com/plain', refers_to_date=plain.rec_headers.get_header('WARC-Date'))
                    writer.write_record(revisit)
            """
        let written = try Warcio.run(["-c", script, folder.path("w.warc.gz"), folder.path("w.warc")])
        #expect(written.status == 0, "\(written.standardError)")
        for name in ["w.warc.gz", "w.warc"] {
            let source = try WARCSource(options: PluginOptions(["glob": .string(folder.path(name))]))
            let records = try await WARCSourceTests.collect(source)
            #expect(records.map(\.url) == ["http://example.com/plain", "http://example.com/chunked", "http://example.com/plain"], "\(name)")
            #expect(records.first?.document?.text == "<html><body><p>سلام از warcio</p></body></html>")
            #expect(records.dropFirst().first?.document?.text == "<p>chunked</p>\n")
            #expect(records.last?.document?.text == records.first?.document?.text)
        }
    }
}

extension Sequence {
    /// The elements' results, concatenated, for an async transform.
    func asyncFlatMap<T>(_ transform: (Element) async throws -> [T]) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results += try await transform(element) }
        return results
    }
}

import ETLKit
import ETLPlugins
import ETLTestSupport
import ETLText
import Foundation
import Testing

/// Issue #10: pages whose declared charset lies. A windows-1256 or windows-1252 page that says
/// `<meta charset=utf-8>` used to come out as U+FFFD with exit 0; now its charset is detected, the
/// log says so, and bytes that are text in no charset are a dead letter. Served over 127.0.0.1 and
/// run through a whole pipeline (http → html → article → jsonl).
@Suite struct CharsetDetectionTests {
    static let fixtures = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/charset")

    /// A paragraph of the windows-1256 fixture as it must come out: Arabic yeh (windows-1256 has no
    /// Persian yeh) and three ZWNJs.
    static let persianParagraph = "اين خبر در حالي منتشر مي\u{200C}شود که گفت\u{200C}وگوهاي دو کشور درباره گذرگاه\u{200C}هاي مرزي"
    static let frenchParagraph = "Après deux années de travaux, l’établissement accueille de nouveau ses élèves : « Nous sommes très fiers du résultat »"

    /// What one run of `pages` (path → bytes, served as `text/html` without a charset) wrote: the
    /// records, the dead letters and the log.
    func run(_ pages: [String: [UInt8]]) async throws -> (records: [[String: Any]], dead: [[String: Any]], log: LogCapture) {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let log = LogCapture()
        try await TestHTTPServer.run(routes: { request in
            guard let page = pages[request.path] else { return .notFound }
            return TestResponse(status: 200, headers: [("content-type", "text/html")], body: page)
        }) { server in
            let urls = pages.keys.sorted().map { "\"\(server.url($0))\"" }.joined(separator: ", ")
            let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(
                text: """
                    {"sources": [{"use": "urls", "urls": [\(urls)]}],
                     "fetch": [{"use": "http", "delay": 0, "robots": false, "retries": 0}],
                     "steps": ["html", "article"],
                     "sinks": [{"use": "jsonl", "path": "\(output.path("articles.jsonl"))"}],
                     "deadLetters": {"use": "jsonl", "path": "\(output.path("dead.jsonl"))"}}
                    """)
            _ = try await PipelineRunner(pipeline: pipeline, logger: log.logger).run()
        }
        let records = FileManager.default.fileExists(atPath: output.path("articles.jsonl")) ? try readJSONLines(output.path("articles.jsonl")) : []
        let dead = FileManager.default.fileExists(atPath: output.path("dead.jsonl")) ? try readJSONLines(output.path("dead.jsonl")) : []
        return (records, dead, log)
    }

    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
    }

    @Test func aWindows1256PersianPageThatDeclaresUTF8ComesOutAsPersian() async throws {
        let bytes = try fixture("persian-windows-1256.html")
        #expect(TextDecoding.metaCharset(in: bytes) == "utf-8")
        let (records, dead, log) = try await run(["/fa/news/1": bytes])
        #expect(dead.isEmpty)
        let record = try #require(records.first)
        let text = try #require(record["body"] as? String)
        #expect(text.contains(Self.persianParagraph))
        #expect(text.unicodeScalars.filter { $0 == "\u{200C}" }.count == 14)
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
        #expect((record["title"] as? String)?.contains("آذربايجان") == true, "title: \(record["title"] ?? "none")")
        let warning = try #require(log.messages(at: .warning).first { $0.contains("/fa/news/1") })
        #expect(warning.contains("declares charset utf-8"))
        #expect(warning.contains("read as windows-1256"))
    }

    @Test func aWindows1252FrenchPageThatDeclaresUTF8ComesOutAsFrench() async throws {
        let (records, dead, log) = try await run(["/fr/rentree": try fixture("french-windows-1252.html")])
        #expect(dead.isEmpty)
        let text = try #require(records.first?["body"] as? String)
        #expect(text.contains(Self.frenchParagraph))
        #expect(text.contains("un vœu formulé"))
        #expect(text.contains("Été comme hiver"))
        #expect(!text.unicodeScalars.contains("\u{FFFD}"))
        #expect(log.messages(at: .warning).contains { $0.contains("/fr/rentree") && $0.contains("read as windows-1252") })
    }

    @Test func aUTF8PageWithAFewInvalidBytesStaysUTF8() async throws {
        let paragraph = "سفیر جمهوری آذربایجان در سرزمین‌های اشغالی گفت که روابط کشورش با ایران در پایین‌ترین سطح خود قرار دارد. "
        let body =
            Array("<html><head><meta charset=\"utf-8\"><title>خبر</title></head><body><article><p>".utf8)
            + Array(String(repeating: paragraph, count: 3).utf8) + [0xFF, 0xC0] + Array(paragraph.utf8) + [0xE9]
            + Array("</p></article></body></html>".utf8)
        let (records, dead, log) = try await run(["/utf8": body])
        #expect(dead.isEmpty)
        let text = try #require(records.first?["body"] as? String)
        #expect(text.contains("سرزمین\u{200C}های اشغالی"))
        #expect(text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count == 3)
        #expect(log.messages(at: .warning).isEmpty)
    }

    @Test func bytesThatAreTextInNoCharsetAreADeadLetter() async throws {
        // Every byte from 0x80 to 0xFF in a scrambled order, in "words" of five: mixed scripts,
        // symbols and case changes in every candidate code page.
        var state: UInt32 = 12345
        var garbage: [UInt8] = []
        for index in 0..<3000 {
            state = state &* 1_103_515_245 &+ 12345
            garbage.append(index % 6 == 5 ? 0x20 : UInt8(0x80 + (state >> 16) % 0x80))
        }
        let body = Array("<html><head><meta charset=\"utf-8\"></head><body><p>".utf8) + garbage + Array("</p></body></html>".utf8)
        let (records, dead, _) = try await run(["/garbage": body])
        #expect(records.isEmpty)
        let letter = try #require(dead.first)
        #expect(letter["step"] as? String == "fetch:http")
        let reason = try #require(letter["reason"] as? String)
        #expect(reason.contains("declares utf-8, but its bytes are not utf-8"))
        #expect(reason.contains("windows-1256"))
    }
}

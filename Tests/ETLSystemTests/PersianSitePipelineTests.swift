import ETLTestSupport
import Foundation
import Testing

/// `pipelines/persian-site.json` as a user runs it (issue #15): a crawl of a small Persian site on
/// 127.0.0.1 whose home page links to the five demo pages, a section page and a page robots.txt
/// disallows. The articles come out with every field of the issue; the hub pages do not.
@Suite struct PersianSitePipelineTests {
    /// The five demo pages under `/news/`, the home page, a section (hub) page and a disallowed page.
    static func routes(pages: [String: [UInt8]]) -> @Sendable (TestRequest) -> TestResponse {
        let links = pages.keys.sorted().map { "<li><a href=\"/news/\($0)\">\($0)</a></li>" }.joined()
        let home = """
            <!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>خبرگزاری نمونه</title></head>
            <body><nav><a href="/service/politics">سیاسی</a> <a href="/news/archive">آرشیو</a> <a href="/private/news/secret">ویژه</a></nav>
            <h2>آخرین اخبار</h2><ul>\(links)</ul></body></html>
            """
        let section = """
            <!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>سیاسی</title></head>
            <body><h1>سیاسی</h1><ul>\(links)</ul></body></html>
            """
        // A listing whose URL the articles' pattern lets through: only its page kind keeps it out.
        let teasers = (1...12).map { index in
            "<div class=\"teaser\"><h2><a href=\"/news/story-\(index)\">گزارش شماره \(index) درباره برنامه‌های تازه شورای شهر</a></h2><p>خلاصه‌ای کوتاه از گزارش \(index).</p></div>"
        }
        let archive = """
            <!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>آرشیو</title></head>
            <body><h1>آرشیو اخبار</h1><div class="stories">\(teasers.joined())</div></body></html>
            """
        return { request in
            switch request.path {
            case "/robots.txt":
                return TestResponse(status: 200, headers: [("content-type", "text/plain")], body: Array("User-agent: *\nDisallow: /private/\n".utf8))
            case "/": return .html(home)
            case "/service/politics": return .html(section)
            case "/news/archive": return .html(archive)
            default:
                guard request.path.hasPrefix("/news/"), let page = pages[String(request.path.dropFirst("/news/".count))] else { return .notFound }
                return .html(page, contentType: "text/html")
            }
        }
    }

    @Test func crawlsThePersianSiteIntoArticlesWithEveryField() async throws {
        let expectations = try DemoExpectation.all()
        let pages = try expectations.keys.reduce(into: [String: [UInt8]]()) { pages, name in
            pages[name] = try Array(Data(contentsOf: DemoExpectation.pagesFolder.appendingPathComponent(name)))
        }
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: Self.routes(pages: pages)) { server in
            // DEPTH=1: the home page is read for links, the pages it links to are the last depth.
            let environment = ["SITE": server.url("/"), "OUT": output.url.path, "DELAY": "0", "DEPTH": "1"]
            let first = try CommandLineTool.run(["run", "pipelines/persian-site.json"], environment: environment)
            #expect(first.status == 0, "\(first.standardError)")

            let records = try readJSONLines(output.path("articles.jsonl"))
            let byPath = Dictionary(records.compactMap { record in (record["url"] as? String).map { (URL(string: $0)?.path ?? $0, record) } }) { first, _ in
                first
            }
            #expect(records.count == 5, "\(records.map { $0["url"] ?? "?" })")
            #expect(Set(byPath.keys) == Set(pages.keys.map { "/news/" + $0 }))
            // Hub pages are read for their links, never written as articles; robots.txt holds.
            #expect(byPath["/"] == nil && byPath["/service/politics"] == nil)
            #expect(server.exchanges.contains { $0.request.path == "/news/archive" } && byPath["/news/archive"] == nil, "a listing is not an article")
            #expect(records.allSatisfy { $0["pageKind"] as? String == "article" }, "\(records.map { $0["pageKind"] ?? "none" })")
            #expect(!server.exchanges.contains { $0.request.path.hasPrefix("/private/") })
            #expect(server.exchanges.first?.request.path == "/robots.txt")
            #expect(server.maximumRequestsInProgress == 1, "perHost 1")

            let isoDate = try Regex(#"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?$"#)
            for (name, expected) in expectations {
                let record = try #require(byPath["/news/" + name], "\(name)")
                for field in ["title", "body", "published", "category", "canonicalUrl", "language"] {
                    #expect(((record[field] as? String)?.isEmpty ?? true) == false, "\(name): \(field) \(record[field] ?? "missing")")
                }
                let published = record["published"] as? String ?? ""
                #expect(published.wholeMatch(of: isoDate) != nil, "\(name): published \(published)")
                #expect(published == expected.published, "\(name): published")
                #expect(record["category"] as? String == expected.category, "\(name): category")
                #expect(record["canonicalUrl"] as? String == expected.canonicalUrl, "\(name): canonicalUrl")
                let taxonomy = record["taxonomy"] as? [String: Any]
                #expect(taxonomy?["major"] as? String == "News", "\(name): taxonomy \(String(describing: taxonomy))")
                #expect((taxonomy?["minor"] as? String)?.isEmpty == false, "\(name): taxonomy \(String(describing: taxonomy))")
                let blocks = record["blocks"] as? [[String: Any]] ?? []
                #expect(blocks.count >= expected.paragraphs.count, "\(name): \(blocks.count) blocks")
                #expect(blocks.allSatisfy { ($0["type"] as? String) != nil && ($0["text"] as? String) != nil }, "\(name)")
                // The `persian` step normalised the body and its blocks alike: they still join into it.
                let joined = blocks.compactMap { $0["text"] as? String }.joined(separator: "\n\n")
                #expect(joined.unicodeScalars.elementsEqual((record["body"] as? String ?? "").unicodeScalars), "\(name): blocks and body differ")
            }
            let corpus = try FileManager.default.contentsOfDirectory(atPath: output.path("corpus"))
            #expect(corpus.filter { $0.hasSuffix(".txt") }.count == 5)
            #expect(FileManager.default.fileExists(atPath: output.path("articles.sqlite")))

            // The state file makes the next run resume: nothing new, nothing written again.
            let second = try CommandLineTool.run(["run", "pipelines/persian-site.json"], environment: environment)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(second.standardError.contains("written 0"), "\(second.standardError)")
            #expect(try readJSONLines(output.path("articles.jsonl")).count == 5)
        }
    }
}

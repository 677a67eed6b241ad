import ETLHTML
import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Testing

/// CSS-to-XPath translation and the `select` extractor on a demo page.
@Suite struct SelectExtractorTests {
    @Test(arguments: [
        ("h1", "//h1"),
        ("div.news_id_c", "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_id_c ')]"),
        ("#main > p", "//*[@id='main']/p"),
        ("ul li a", "//ul//li//a"),
        ("[itemprop=articleBody] p", "//*[@itemprop='articleBody']//p"),
        ("meta[property^=\"article:\"]", "//meta[starts-with(@property, 'article:')]"),
        ("li:first-child, li:nth-child(3)", "//li[not(preceding-sibling::*)] | //li[count(preceding-sibling::*) = 2]"),
        ("h1 + p", "//h1/following-sibling::*[1]/self::p"),
    ])
    func cssBecomesXPath(css: String, xpath: String) throws {
        #expect(try CSSSelector(css).xpath == xpath)
    }

    @Test func badSelectorsAreRefused() {
        #expect(throws: CSSSelector.SyntaxError.self) { try CSSSelector("div:hover") }
        #expect(throws: CSSSelector.SyntaxError.self) { try CSSSelector("a[href") }
        #expect(throws: CSSSelector.SyntaxError.self) { try CSSSelector("") }
    }

    func record(page name: String) throws -> Record {
        let url = DemoExpectation.pagesFolder.appendingPathComponent(name)
        var record = Record(url: url.absoluteString, source: "test")
        record.document = Document(text: try String(contentsOf: url, encoding: .utf8), mediaType: "text/html", charset: "utf-8")
        record.fields["canonicalUrl"] = "https://www.defapress.ir/fa/news/620924/"
        return record
    }

    @Test func fieldsFollowTheArticleConventions() async throws {
        let extractor = try SelectExtractor(
            options: PluginOptions([
                "fields": [
                    "newsId": ".news_id_c", "pretitle": ".rutitr", "tags": ".tags_title a",
                    "published": "xpath://meta[@property='article:published_time']/@content",
                    "image": "meta[property='og:image']::attr(content)", "nothing": ".no-such-class",
                ]
            ]))
        let result = try #require(try await extractor.apply(to: record(page: "defapress.html"), context: RunContext(logger: .init(label: "test"))))
        let expected = try #require(try DemoExpectation.all()["defapress.html"])
        #expect(result.fields["newsId"] == .string(try #require(expected.newsId)))
        #expect(result.fields["pretitle"]?.stringValue == expected.pretitle)
        #expect(result.fields["published"]?.stringValue == expected.published)
        #expect((result.fields["tags"]?.arrayValue?.count ?? 0) >= 2)
        #expect(result.fields["image"]?.stringValue?.hasPrefix("http") == true)
        #expect(result.fields["nothing"] == nil)
    }

    @Test func profilesLoadAndInlineFieldsWin() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let profile = try folder.write(#"{"fields": {"pretitle": ".rutitr", "category": ".news_path a:last-child"}}"#, to: "iransamaneh.json")
        let extractor = try SelectExtractor(options: PluginOptions(["profile": .string(profile), "fields": ["pretitle": "h1.title"]]))
        let result = try #require(try await extractor.apply(to: record(page: "defapress.html"), context: RunContext(logger: .init(label: "test"))))
        let expected = try #require(try DemoExpectation.all()["defapress.html"])
        #expect(result.fields["category"]?.stringValue == expected.category)
        #expect(result.fields["pretitle"]?.stringValue == expected.title)
    }

    @Test func aBadSelectorIsAPipelineErrorAtItsOption() {
        do {
            _ = try PipelineLoader(registry: .builtins).load(
                text: """
                    {"sources": ["urls"], "steps": ["html", {"use": "select", "fields": {"title": "h1:hover"}}], "sinks": [{"use": "jsonl", "path": "a"}]}
                    """)
            Issue.record("the pipeline loaded")
        } catch {
            #expect(error.diagnostics.contains { $0.path.description == "$.steps[1].fields" && $0.message.contains(":hover") })
        }
    }
}

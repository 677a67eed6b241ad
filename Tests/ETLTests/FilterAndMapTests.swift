import ETLKit
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `filter` and `map` transforms.
@Suite struct FilterAndMapTests {
    let context = RunContext(logger: Logger(label: "etl.tests.filter"))

    func filter(_ options: [String: JSONValue]) throws -> RecordFilter {
        try RecordFilter(options: PluginOptions(options))
    }

    func article(
        title: String = "سفیر آذربایجان: خواهان روابط خوب با ایران هستیم", body: String = "روابط دو کشور می‌آید که بهتر شود.",
        language: String? = "fa", published: String? = "2023-06-20T12:21:00+03:30"
    ) -> Record {
        var record = Record(url: "https://www.isna.ir/news/1402033019738/", source: "urls")
        record.fields["title"] = .string(title)
        record.fields["body"] = .string(body)
        record.fields["site"] = "ایسنا"
        if let language { record.fields["language"] = .string(language) }
        if let published { record.fields["published"] = .string(published) }
        return record
    }

    // MARK: filter

    @Test func includeKeywordsIgnoreZWNJYehKafAndCase() throws {
        // «میآید» (no ZWNJ) finds «می‌آید»; Arabic yeh and kaf in the keyword find Persian letters.
        #expect(try filter(["include": ["body": "میآید"]]).keeps(article()))
        #expect(try filter(["include": ["title": ["روسيه", "ايران"]]]).keeps(article()))
        #expect(try filter(["include": ["body": "كشور"]]).keeps(article()))
        #expect(!(try filter(["include": ["title": "روسیه"]]).keeps(article())))
        // Every include field must match; a missing field matches nothing.
        #expect(!(try filter(["include": ["title": "ایران", "body": "روسیه"]]).keeps(article())))
        #expect(!(try filter(["include": ["category": "سیاست"]]).keeps(article())))
        #expect(try filter(["include": ["url": "isna.ir"]]).keeps(article()))
    }

    @Test func regexesMatchOnScalars() throws {
        #expect(try filter(["include": ["title": "re:^سفیر"]]).keeps(article()))
        #expect(!(try filter(["include": ["title": "re:^ایران"]]).keeps(article())))
        // A ZWNJ is a scalar of its own: «می\u{200C}آید» matches «ی.آ» (any one scalar between).
        #expect(try filter(["include": ["body": "re:می.آید"]]).keeps(article()))
        #expect(throws: OptionError.self) { try filter(["include": ["title": "re:(unclosed"]]) }
        #expect(throws: OptionError.self) { try filter(["include": ["title": 3]]) }
        #expect(throws: OptionError.self) { try filter(["include": "title"]) }
    }

    @Test func excludeDropsOnAnyMatch() async throws {
        let rule = try filter(["exclude": ["title": ["ورزش", "re:فوتبال"], "body": "بهتر"]])
        #expect(try await rule.apply(to: article(), context: context) == nil)
        #expect(try await rule.apply(to: article(body: "متن دیگر"), context: context) != nil)
        #expect(try await rule.apply(to: article(title: "فوتبال ایران", body: "متن دیگر"), context: context) == nil)
    }

    @Test func languageMinimumLengthAndDateWindow() throws {
        #expect(try filter(["language": ["fa", "ar"]]).keeps(article()))
        #expect(!(try filter(["language": "en"]).keeps(article())))
        #expect(!(try filter(["language": "fa"]).keeps(article(language: nil))))
        #expect(try filter(["language": "fa"]).keeps(article(language: "fa-IR")))

        // Length on unicode scalars: «می‌آید» is 6 scalars (the ZWNJ counts), though 5 Characters.
        #expect(try filter(["minLength": ["body": 6]]).keeps(article(body: "می‌آید")))
        #expect(!(try filter(["minLength": ["body": 7]]).keeps(article(body: "  می‌آید  "))))
        #expect(!(try filter(["minLength": ["lead": 1]]).keeps(article())))
        #expect(throws: OptionError.self) { try filter(["minLength": ["body": "long"]]) }

        let window = try filter(["since": "2023-06-20", "until": "2023-07-01T00:00:00+03:30"])
        #expect(window.keeps(article()))
        #expect(!window.keeps(article(published: "2023-06-19T23:00:00+03:30")))
        #expect(!window.keeps(article(published: "2023-07-01T00:00:00+03:30")))
        #expect(!window.keeps(article(published: nil)))
        #expect(throws: OptionError.self) { try filter(["since": "۳۰ خرداد"]) }
        #expect(throws: OptionError.self) { try filter(["since": "2024-01-01", "until": "2023-01-01"]) }
    }

    // MARK: map

    func map(_ options: [String: JSONValue]) throws -> FieldMap {
        try FieldMap(options: PluginOptions(options))
    }

    @Test func renameSetAndDrop() async throws {
        let mapper = try map([
            "rename": ["title": "headline", "missing": "other"],
            "set": ["summary": "{site}: {headline} {{نسخه ۲}}", "source": "ISNA", "rank": 3, "tags": ["ایران", "سیاست"]],
            "drop": ["site", "body"],
        ])
        let out = try #require(try await mapper.apply(to: article(), context: context))
        #expect(out.fields["title"] == nil)
        #expect(out.text("headline") == "سفیر آذربایجان: خواهان روابط خوب با ایران هستیم")
        #expect(out.text("summary") == "ایسنا: سفیر آذربایجان: خواهان روابط خوب با ایران هستیم {نسخه ۲}")
        #expect(out.fields["rank"] == 3)
        #expect(out.fields["tags"] == ["ایران", "سیاست"])
        #expect(out.fields["site"] == nil && out.fields["body"] == nil && out.fields["other"] == nil)
        #expect(out.text("source") == "ISNA")
    }

    @Test func templatesKeepZWNJsAndReadTheURL() async throws {
        let mapper = try map(["set": ["key": "{url}#{missing}{body}"]])
        let out = try #require(try await mapper.apply(to: article(body: "می‌آید"), context: context))
        #expect(out.text("key")?.unicodeScalars.elementsEqual("https://www.isna.ir/news/1402033019738/#می\u{200C}آید".unicodeScalars) == true)
    }

    @Test func badTemplatesAreOptionErrors() {
        #expect(throws: OptionError.self) { try map(["set": ["a": "{title"]]) }
        #expect(throws: OptionError.self) { try map(["set": ["a": "title}"]]) }
        #expect(throws: OptionError.self) { try map(["set": ["a": "{}"]]) }
        #expect(throws: OptionError.self) { try map(["set": "x"]) }
    }
}

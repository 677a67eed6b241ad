import ETLKit
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `category` transform and its taxonomy files.
@Suite struct CategoryMapperTests {
    let context = RunContext(logger: Logger(label: "etl.tests.category"))

    func mapper(_ options: [String: JSONValue] = [:]) throws -> CategoryMapper {
        try CategoryMapper(options: PluginOptions(options))
    }

    func record(category: JSONValue? = nil, tags: [String] = [], breadcrumbs: [String]? = nil, title: String = "عنوان خبر") -> Record {
        var record = Record(url: "https://example.ir/news/1", source: "urls")
        record.fields[ArticleField.title] = .string(title)
        if let category { record.fields[ArticleField.category] = category }
        record.fields[ArticleField.tags] = .array(tags.map(JSONValue.string))
        if let breadcrumbs {
            var metadata = PageMetadata()
            metadata.breadcrumbs = breadcrumbs
            record.page = Page(blocks: [], metadata: metadata)
        }
        return record
    }

    /// The minor id the shipped taxonomy gives a category text (nil when it maps to none).
    func minor(_ text: String) throws -> String? {
        try mapper().map(record(category: .string(text)))?.category.minor
    }

    /// A file in a fresh temporary folder.
    func file(_ text: String, named name: String = "taxonomy.json") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("etl-taxonomy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func variantsMapWhateverTheLettersSpacesAndPrefix() throws {
        // Persian, Arabic yeh/kaf, with and without «اخبار», ZWNJ or space or glued, diacritics, tatweel.
        for text in ["سیاسی", "سياسي", "اخبار سیاسی", "سیاست", "سِیاسی", "سیـاسی", "گروه سیاسی"] {
            #expect(try minor(text) == "Political", "\(text)")
        }
        for text in ["بین‌الملل", "بین الملل", "بينالملل", "اخبار بین‌الملل", "بین‌المللی"] {
            #expect(try minor(text) == "International", "\(text)")
        }
        #expect(try minor("اقتصادي") == "Economic")
        #expect(try minor("فرهنگ و هنر") == "Cultural")
        #expect(try minor("ورزشی") == "Sport")
        #expect(try minor("علم و فناوری") == "ScienceTech")
        #expect(try minor("فنآوری") == "ScienceTech")
    }

    @Test func compoundLabelsTakeTheLongestAndMostSpecificName() throws {
        // «ورزش جهان»: the whole phrase is a Sport name, longer than «جهان» (International).
        #expect(try minor("ورزش جهان") == "Sport")
        #expect(try minor("اقتصاد بین‌الملل") == "Economic")
        // Levels of a trail: the last segment that maps decides.
        #expect(try minor("سیاسی › مجلس") == "Political")
        #expect(try minor("ورزش / فوتبال ایران") == "Sport")
        #expect(try minor("اقتصاد > بورس") == "Economic")
        #expect(try minor("جهان › نامشخص") == "International")
        // Longest name in one segment: «شبکه‌های اجتماعی» (SocialMedia, no minor) over «اجتماعی».
        let social = try mapper().map(record(category: "اخبار شبکه‌های اجتماعی"))
        #expect(social?.category.major == "SocialMedia")
        #expect(social?.category.minor == nil)
        // A name must be whole words: «هنرمندان» is not «هنر», «party» is not «art».
        #expect(try minor("هنرمندان") == nil)
        #expect(try minor("Party news") == nil)
        // Equal lengths: the name nearer the start of the segment wins («دولت» and «جهان», both 4 letters).
        #expect(try minor("دولت جهان") == "Political")
        #expect(try minor("جهان دولت") == "International")
    }

    @Test func englishLabelsMatchIgnoringCase() throws {
        #expect(try minor("POLITICS") == "Political")
        #expect(try minor("World News") == "International")
        #expect(try minor("World Sport") == "Sport")
        #expect(try minor("Home / Sci-Tech / Technology") == "ScienceTech")
        // A category without a minor: its major alone. «Q&A» is the words q, a: the name «QA» written apart.
        #expect(try mapper().map(record(category: "Q&A"))?.category.major == "QA")
        #expect(try mapper().map(record(category: "FAQ"))?.category.minor == nil)
    }

    @Test func theOriginalIsKeptAndTheFieldDocumentsTheMatch() async throws {
        let mapped = try await mapper().apply(to: record(category: "اخبار سياسي"), context: context)
        #expect(mapped?.fields["category"] == "اخبار سياسي")
        #expect(
            mapped?.fields["taxonomy"]
                == [
                    "major": "News", "majorLabel": "خبر", "minor": "Political", "minorLabel": "سیاسی", "matched": "اخبار سياسي",
                    "from": "category",
                ])
        #expect(CategoryMapper.descriptor.fields.map(\.name) == ["taxonomy"])
    }

    @Test func breadcrumbsAndListFieldsAreTriedAfterTheCategory() throws {
        let plain = try mapper()
        // No category: the trail, most specific crumb first, home and the title left out.
        let crumbs = plain.map(record(breadcrumbs: ["خانه", "ورزش", "فوتبال ایران", "عنوان خبر"]))
        #expect(crumbs?.category.minor == "Sport")
        #expect(crumbs?.matched == "فوتبال ایران")
        #expect(crumbs?.from == "breadcrumbs")
        #expect(plain.map(record(breadcrumbs: ["سیاسی"])) == nil)
        // The category wins over the trail; the trail is off with breadcrumbs: false.
        #expect(plain.map(record(category: "اقتصادی", breadcrumbs: ["خانه", "ورزش"]))?.category.minor == "Economic")
        #expect(try mapper(["breadcrumbs": false]).map(record(breadcrumbs: ["خانه", "ورزش"])) == nil)
        // Tags, item by item, when listed.
        let tagged = try mapper(["fields": ["category", "tags"]]).map(record(category: "ویژه", tags: ["تهران", "بورس"]))
        #expect(tagged?.category.minor == "Economic")
        #expect(tagged?.from == "tags")
    }

    @Test func unmappedIsNullDroppedOrOther() async throws {
        let unknown = record(category: "ویژه‌نامه نوروز")
        let kept = try await mapper().apply(to: unknown, context: context)
        #expect(kept?.fields["taxonomy"] == .null)
        #expect(kept?.fields["category"] == "ویژه‌نامه نوروز")
        #expect(try await mapper(["unmapped": "drop"]).apply(to: unknown, context: context) == nil)
        let other = try await mapper(["unmapped": "other"]).apply(to: unknown, context: context)
        #expect(
            other?.fields["taxonomy"]
                == ["major": "News", "majorLabel": "خبر", "minor": "Other", "minorLabel": "سایر", "matched": .null, "from": .null])
        // No category at all is unmapped too.
        #expect(try await mapper().apply(to: record(), context: context)?.fields["taxonomy"] == .null)
    }

    @Test func aCustomTaxonomyFile() async throws {
        let path = try file(
            """
            {
              // comments are allowed
              "majors": {"News": "News"},
              "categories": [
                {"major": "News", "minor": "Transport", "label": "حمل و نقل", "names": ["راه و شهرسازی", "مترو"]},
                {"major": "News", "minor": "Sport", "label": "Sport"}
              ]
            }
            """)
        let custom = try mapper(["taxonomy": .string(path)])
        #expect(custom.map(record(category: "اخبار مترو تهران"))?.category.minor == "Transport")
        #expect(custom.map(record(category: "حمل‌ونقل"))?.category.minorLabel == "حمل و نقل")
        #expect(custom.map(record(category: "sport"))?.category.minor == "Sport")
        // The shipped names are not there.
        #expect(custom.map(record(category: "سیاسی")) == nil)
        // Without an `other` category, unmapped: other is refused.
        #expect(throws: OptionError.self) { try mapper(["taxonomy": .string(path), "unmapped": "other"]) }
    }

    @Test func aBadTaxonomyFileNamesTheFileAndThePlace() throws {
        func reason(_ text: String) throws -> String {
            let path = try file(text)
            do {
                _ = try mapper(["taxonomy": .string(path)])
            } catch let error as OptionError {
                #expect(error.option == "taxonomy")
                #expect(error.reason.contains(path), "\(error.reason)")
                return error.reason
            }
            Issue.record("no error for \(text)")
            return ""
        }
        #expect(try reason("{\"majors\": ").contains("not valid JSON (1:12"))
        #expect(try reason("[]").contains("$ (1:1) is an array"))
        #expect(try reason("{\"categories\": []}").contains("$.majors"))
        let badName = try reason(
            """
            {"majors": {"News": "خبر"},
             "categories": [{"major": "News", "minor": "A", "label": "الف", "names": ["x", 3]}]}
            """)
        #expect(badName.contains("$.categories[0].names[1] (2:80)"), "\(badName)")
        #expect(try reason(#"{"majors": {"News": "خبر"}, "categories": [{"major": "Blog", "names": ["x"]}]}"#).contains("$.categories[0].major"))
        let shared = try reason(
            #"{"majors": {"N": "n"}, "categories": [{"major": "N", "names": ["سیاسی"]}, {"major": "N", "names": ["سياسي"]}]}"#)
        #expect(shared.contains("$.categories[1].names[0]") && shared.contains("$.categories[0] already"), "\(shared)")
        #expect(throws: OptionError.self) { try mapper(["taxonomy": "/nonexistent/taxonomy.json"]) }
    }

    @Test func theShippedTaxonomyLoadsWithEveryMajor() throws {
        let taxonomy = try mapper().taxonomy
        #expect(Set(taxonomy.categories.map(\.major)) == ["News", "QA", "Literature", "Forum", "Weblog", "SocialMedia", "Doc"])
        #expect(taxonomy.other?.minor == "Other")
        let minors = taxonomy.categories.compactMap(\.minor)
        #expect(minors.starts(with: ["Political", "Economic", "Social", "Cultural", "Sport", "International", "ScienceTech", "Health"]))
    }
}

import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `leftovers` transform, rule by rule, with the text old scrapers left in Persian news. Text is
/// compared scalar by scalar: a ZWNJ lost or gained must fail a test.
@Suite struct LeftoverCleanerTests {
    let context = RunContext(logger: Logger(label: "etl.tests.leftovers"))

    func cleaner(_ options: [String: JSONValue] = [:]) throws -> LeftoverCleaner {
        try LeftoverCleaner(options: PluginOptions(options))
    }

    /// A record as the `corpus` source makes it.
    func record(title: String? = "عنوان خبر درباره روابط ایران و همسایگان", lead: String? = "لید خبر که خلاصه را می‌گوید.", body: [String]) -> Record {
        var record = Record(url: "file:///corpus/a.txt", source: "corpus")
        if let title { record.fields["title"] = .string(title) }
        if let lead { record.fields["lead"] = .string(lead) }
        record.fields["body"] = .string(body.joined(separator: "\n\n"))
        return record
    }

    func cleaned(_ record: Record, _ options: [String: JSONValue] = [:]) async throws -> Record {
        try #require(try await cleaner(options).apply(to: record, context: context))
    }

    func paragraphs(_ record: Record) -> [String] {
        (record.fields["body"]?.stringValue ?? "").components(separatedBy: "\n\n").filter { !$0.isEmpty }
    }

    func expectExact(_ actual: String?, _ expected: String?, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        func visible(_ text: String?) -> String { text.map { $0.replacingOccurrences(of: "\u{200C}", with: "<ZWNJ>") } ?? "nil" }
        let equal = actual.map { a in expected.map { a.unicodeScalars.elementsEqual($0.unicodeScalars) } ?? false } ?? (expected == nil)
        #expect(equal, "\(visible(actual)) is not \(visible(expected))", sourceLocation: sourceLocation)
    }

    let first = "به گزارش ایسنا، وزیر امور خارجه امروز با همتای خود دیدار و گفت‌وگو کرد."
    let second = "وی در ادامه افزود: روابط دو کشور در مسیر درستی قرار دارد و می‌تواند گسترش یابد."

    // MARK: End markers

    @Test func endMarkerEndsTheArticle() async throws {
        let out = try await cleaned(record(body: [first, second, "انتهای پیام/ز", "جمله‌ای که بعد از پایان آمده است."]))
        #expect(paragraphs(out) == [first, second])
        let off = try await cleaned(record(body: [first, "انتهای پیام"]), ["endMarkers": false])
        #expect(paragraphs(off) == [first, "انتهای پیام"])
    }

    @Test func sentenceMentioningAnEndMarkerStays() async throws {
        let sentence = "او گفت انتهای پیام ما این است که گفت‌وگو ادامه یابد و هیچ راهی جز آن نیست."
        let out = try await cleaned(record(body: [first, sentence, second]))
        #expect(paragraphs(out) == [first, sentence, second])
    }

    // MARK: Meta lines

    @Test func metaBulletsAreReadThenDropped() async throws {
        let out = try await cleaned(
            record(body: [
                first, "انتهای پیام",
                """
                  • سهشنبه/ ۳۰ خرداد ۱۴۰۲ / ۱۲:۲۱
                  • دسته‌بندی: سیاست خارجی
                  • کد خبر: 1402033019738
                  • خبرنگار : 71443
                """,
            ]))
        #expect(out.text("published") == "2023-06-20T12:21:00+03:30")
        #expect(out.text("newsId") == "1402033019738")
        #expect(out.text("category") == "سیاست خارجی")
        #expect(paragraphs(out) == [first])
    }

    @Test func metaLinesInsideTheTextAreDroppedAnywhere() async throws {
        // Defa Press: code and a mixed Jalali/Gregorian date line under the lead, no end marker before them.
        let lead = "وزیر امور خارجه با اشاره به اراده ایران برای توسعه مناسبات گفت: زبان صلح باید جایگزین تنش شود."
        let out = try await cleaned(
            record(lead: lead + "\nکد خبر: ۶۲۰۹۲۴\nتاریخ انتشار: ۱۲ مهر ۱۴۰۲ - ۲۳:۲۳ - 04October 2023", body: [first, "دسته بندی : اقتصادی", second]))
        expectExact(out.text("lead"), lead)
        #expect(out.text("newsId") == "620924")
        #expect(out.text("published") == "2023-10-04T23:23:00+03:30")
        #expect(out.text("category") == "اقتصادی")
        #expect(paragraphs(out) == [first, second])
    }

    @Test func publicationDateWinsOverHeaderAndUpdateDates() async throws {
        // Asr Iran's page header: today's date, an update time, the news code twice, the publication date twice.
        let header =
            "۰۶ آذر ۱۴۰۳\nبه روز شده در: ۰۶ آذر ۱۴۰۳ - ۰۰:۳۰\nفیلم بیشتر »»\nکد خبر ۸۷۰۲۳۹\nتاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱\nکد ۸۷۰۲۳۹\nانتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱"
        let out = try await cleaned(
            record(title: header, lead: "سفیر آذربایجان: به اسرائیل اجازه نمی دهیم از خاک ما به ایران حمله کند", body: ["لید واقعی خبر است.", first]))
        #expect(out.text("published") == "2022-12-17T08:28:00+03:30")
        #expect(out.text("newsId") == "870239")
        expectExact(out.text("title"), "سفیر آذربایجان: به اسرائیل اجازه نمی دهیم از خاک ما به ایران حمله کند")
        expectExact(out.text("lead"), "لید واقعی خبر است.")
        #expect(paragraphs(out) == [first])
    }

    @Test func existingFactsAreKeptAndDatesInSentencesStay() async throws {
        var input = record(body: [first, "این نشست در ۳۰ خرداد ۱۴۰۲ در تهران برگزار شد و دو طرف درباره همکاری‌ها گفت‌وگو کردند.", "کد خبر: 123456"])
        input.fields["published"] = "2020-01-01T00:00:00Z"
        input.fields["newsId"] = "999"
        let out = try await cleaned(input)
        #expect(out.text("published") == "2020-01-01T00:00:00Z")
        #expect(out.text("newsId") == "999")
        #expect(paragraphs(out).count == 2)
        let off = try await cleaned(record(body: [first, "کد خبر: 123456"]), ["metaLines": false])
        #expect(off.text("newsId") == nil)
        #expect(paragraphs(off) == [first, "کد خبر: 123456"])
    }

    // MARK: Repeated titles and pre-titles

    @Test func repeatedTitlesAreDroppedAndGluedTitlesSplit() async throws {
        let title = "زبان صلح و امنیت جایگزین تنش و درگیری در منطقه شود"
        let out = try await cleaned(
            record(
                title: title, lead: "لید خبر است.",
                body: [
                    title + "به گزارش گروه اخبار داخلی دفاع‌پرس، وزیر امروز دیدار کرد.",
                    title,
                    second,
                    // A caption: the title with two more words.
                    "زبان صلح و امنیت در قفقاز جایگزین تنش و درگیری در منطقه شود",
                ]))
        #expect(
            paragraphs(out).map { Array($0.unicodeScalars) } == [
                Array("به گزارش گروه اخبار داخلی دفاع‌پرس، وزیر امروز دیدار کرد.".unicodeScalars), Array(second.unicodeScalars),
            ])
        let off = try await cleaned(record(title: title, lead: "لید خبر است.", body: [title, second]), ["repeatedTitles": false])
        #expect(paragraphs(off) == [title, second])
    }

    @Test func titleRepeatedAboveTheLeadGivesTheLeadItsPlace() async throws {
        // Zenhar: title, lead, title again, body.
        let title = "آذربایجان: برای ما مهم است که ایران همسایه خوب ما باقی بماند"
        let lead = "مشاور معاون رئیس‌جمهور جمهوری آذربایجان بر لزوم حفظ روابط همسایگی با ایران تاکید کرد."
        let out = try await cleaned(record(title: title, lead: lead, body: [title, first, lead]))
        expectExact(out.text("title"), title)
        expectExact(out.text("lead"), lead)
        #expect(paragraphs(out) == [first])
    }

    @Test func pretitleEndingInAColonIsToldApart() async throws {
        let out = try await cleaned(
            record(
                title: "امیرعبداللهیان در دیدار خلف اف:", lead: "زبان صلح و امنیت جایگزین تنش و درگیری در منطقه شود",
                body: ["وزیر امور خارجه گفت: زبان صلح باید جایگزین تنش شود.", first]))
        #expect(out.text("pretitle") == "امیرعبداللهیان در دیدار خلف اف:")
        #expect(out.text("title") == "زبان صلح و امنیت جایگزین تنش و درگیری در منطقه شود")
        #expect(out.text("lead") == "وزیر امور خارجه گفت: زبان صلح باید جایگزین تنش شود.")
        #expect(paragraphs(out) == [first])
        // A title with a colon followed by a lead sentence is no pre-title.
        let plain = try await cleaned(record(title: "سفیر آذربایجان:", lead: "لید خبر با نقطه پایان می‌یابد.", body: [first]), [:])
        #expect(plain.text("pretitle") == nil)
        let off = try await cleaned(record(title: "امیرعبداللهیان در دیدار خلف اف:", lead: "زبان صلح", body: [first]), ["pretitle": false])
        #expect(off.text("pretitle") == nil)
    }

    // MARK: Headings

    @Test func closingHeadingsCutTheRest() async throws {
        for heading in ["دیدگاه شما", "نظر شما", "پربازدیدترین اخبار", "پربیننده ها", "آخرین اخبار", "ارسال به دوستان"] {
            let out = try await cleaned(
                record(body: [
                    first, second, "    " + heading, "سفیر اسرائیل در سازمان ملل: توافق آتش‌بس لبنان نهایی نشده اما نزدیک است؟ پرسپولیس در آسیا متوقف شد.",
                ]))
            #expect(paragraphs(out) == [first, second], "\(heading)")
        }
        let off = try await cleaned(record(body: [first, "دیدگاه شما"]), ["headings": false, "headlineRuns": 0])
        #expect(paragraphs(off) == [first, "دیدگاه شما"])
    }

    @Test func otherHeadingsGoAlone() async throws {
        let out = try await cleaned(record(body: ["فیلم بیشتر »»", first, "بیشتر بخوانید: سفر وزیر به باکو", second]))
        #expect(paragraphs(out) == [first, second])
        // The ZWNJ-less and ZWNJ spellings are one heading.
        let zwnj = try await cleaned(record(body: [first, second, "پربیننده‌ها", "خبر بی‌ربط"]))
        #expect(paragraphs(zwnj) == [first, second])
    }

    // MARK: Headline runs

    @Test func runOfHeadlinesAtTheEndIsDropped() async throws {
        let headlines = [
            "قیمت قطعی حج تمتع تا ۲ ماه آینده مشخص می شود", "لاوروف: ناتو قصد کنترل بر جهان را دارد",
            "درگیری عجیب در بازی فولاد نوین؛ حمله برادر سرمربی به داور!",
        ]
        let out = try await cleaned(record(body: [first, second] + headlines))
        #expect(paragraphs(out) == [first, second])
        // Lines of one block count too.
        let oneBlock = try await cleaned(record(body: [first, headlines.joined(separator: "\n")]))
        #expect(paragraphs(oneBlock) == [first])
        // Two are not a run, and sentences are not headlines.
        let two = try await cleaned(record(body: [first] + headlines.prefix(2)))
        #expect(paragraphs(two).count == 3)
        let sentences = ["جلسه به پایان رسید.", "دو طرف توافق کردند.", "قرار است دیدار بعدی در باکو باشد."]
        let kept = try await cleaned(record(body: [first] + sentences))
        #expect(paragraphs(kept) == [first] + sentences)
        let off = try await cleaned(record(body: [first] + headlines), ["headlineRuns": 0])
        #expect(paragraphs(off).count == 4)
    }

    // MARK: Bold, blank lines, ZWNJs, language

    @Test func boldMarkersAndBlankLinesGo() async throws {
        let out = try await cleaned(
            record(title: "\n\n\n\nمناسبات رو به جلو", lead: "لید **مهم** خبر.", body: ["به گزارش آران نیوز به نقل از گروه بین الملل **ایسکانیوز**، خبر آمد."]))
        expectExact(out.text("title"), "مناسبات رو به جلو")
        expectExact(out.text("lead"), "لید مهم خبر.")
        expectExact(paragraphs(out).first, "به گزارش آران نیوز به نقل از گروه بین الملل ایسکانیوز، خبر آمد.")
        let off = try await cleaned(record(body: ["**ایسکانیوز** گزارش داد."]), ["bold": false])
        #expect(paragraphs(off) == ["**ایسکانیوز** گزارش داد."])
    }

    @Test func zeroWidthNonJoinersSurvive() async throws {
        let text = "\u{200C}می‌آید و سرزمین‌های اشغالی و گفت‌وگو."
        let out = try await cleaned(record(title: "سه‌شنبه‌ها", lead: "نمی‌دانم.", body: [text]))
        expectExact(out.text("title"), "سه‌شنبه‌ها")
        expectExact(out.text("lead"), "نمی‌دانم.")
        expectExact(paragraphs(out).first, text)
    }

    @Test func languageIsSetForPersianText() async throws {
        #expect(try await cleaned(record(body: [first])).text("language") == "fa")
        #expect(try await cleaned(record(body: [first]), ["language": false]).text("language") == nil)
        var english = record(title: "A title", lead: "A lead.", body: ["Some English text."])
        english = try await cleaned(english)
        #expect(english.text("language") == nil)
    }

    @Test func recordWithoutTitleOrLeadGetsNoneFromItsBody() async throws {
        let out = try await cleaned(record(title: nil, lead: nil, body: [first, second, "انتهای پیام"]))
        #expect(out.fields["title"] == nil && out.fields["lead"] == nil)
        #expect(paragraphs(out) == [first, second])
    }

    @Test func badTimeZoneIsAnOptionError() {
        #expect(throws: OptionError.self) { try cleaner(["timeZone": "Mars/Olympus"]) }
    }
}

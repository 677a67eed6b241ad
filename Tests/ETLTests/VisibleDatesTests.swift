import ETLHTML
import ETLKit
import ETLText
import Foundation
import Testing

@testable import ETLPlugins

/// Which printed date is the article's: labelled lines, "today" lines, updates, comments, metadata.
@Suite struct VisibleDatesTests {
    let berlin = ArticleDate(timeZone: TimeZone(identifier: "Europe/Berlin"))
    let tehran = ArticleDate(timeZone: TimeZone(identifier: "Asia/Tehran"))

    func dates(_ lines: [String], regions: [LineRegion] = [], url: String? = nil, zone: ArticleDate? = nil) -> VisibleDates {
        VisibleDates(lines: lines, regions: regions, dates: zone ?? berlin, url: url)
    }

    @Test func aLabelledLineWinsOverTheHeadersTodayLine() {
        let found = dates(["Monday, 11 March 2024", "A headline about the budget", "Published 8 March 2024", "Some text of the story."])
        #expect(found.labelled == "2024-03-08")
        #expect(found.published(metadata: [], others: [], dates: berlin) == "2024-03-08")
    }

    @Test func labelsInTheSetsLanguages() {
        for line in [
            "Veröffentlicht: 8. März 2024", "Erstellt am 08.03.2024", "Publié le 8 mars 2024", "Publicado el 8 de marzo de 2024",
            "Opublikowano 8 marca 2024", "Datum: 08.03.2024", "Date: 8 March 2024", "Pubblicato il 8 marzo 2024",
        ] {
            let found = dates(["Montag, 11. März 2024", line])
            #expect(found.labelled == "2024-03-08", "\(line)")
        }
        let persian = dates(["امروز: دوشنبه ۲۸ آذر ۱۴۰۱", "تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱"], zone: tehran)
        #expect(persian.labelled == "2022-12-17T08:28:00+03:30")
    }

    @Test func theHeadersTodayLineLosesToAnUnlabelledArticleDate() {
        // A weekday, no time, another day below: the site's date line, not the article's.
        let plain = dates(["Sonntag, 10. März 2024", "Titel des Artikels", "8. März 2024", "Text des Artikels."])
        #expect(plain.unlabelled == "2024-03-08")
        let timed = dates(["10.03.2024", "Titel des Artikels", "08.03.2024, 14:15 Uhr"])
        #expect(timed.unlabelled == "2024-03-08T14:15:00+01:00")
        let today = dates(["Heute: 10.03.2024", "08.03.2024"])
        #expect(today.unlabelled == "2024-03-08")
        // The cleaner's regions, when it records them: a header date never wins over another.
        let regions = dates(["10 March 2024 10:00", "8 March 2024"], regions: [.header, .content])
        #expect(regions.unlabelled == "2024-03-08")
        // Alone, an unlabelled date is taken.
        #expect(dates(["Sonntag, 10. März 2024"]).unlabelled == "2024-03-10")
    }

    @Test func updateLinesGiveModifiedAndNeverPublished() {
        let found = dates(["Updated: March 11, 2024 10:00 AM", "Published: March 8, 2024 9:00 AM"])
        #expect(found.labelled == "2024-03-08T09:00:00+01:00")
        #expect(found.modified == "2024-03-11T10:00:00+01:00")
        let onlyUpdated = dates(["Aktualisiert am 11.03.2024, 10:00 Uhr"])
        #expect(onlyUpdated.labelled == nil && onlyUpdated.unlabelled == nil)
        #expect(onlyUpdated.modified == "2024-03-11T10:00:00+01:00")
        let oneLine = dates(["Publié le 8 mars 2024 à 9h00, mis à jour le 11 mars 2024 à 10h00"])
        #expect(oneLine.labelled == "2024-03-08T09:00:00+01:00")
        #expect(oneLine.modified == "2024-03-11T10:00:00+01:00")
        for line in ["Actualizado el 11 de marzo de 2024", "Zaktualizowano 11 marca 2024", "Modified 2024-03-11"] {
            #expect(dates([line]).published(metadata: [], others: [], dates: berlin) == nil, "\(line)")
        }
        let persian = dates(["بروزرسانی: ۱۴۰۱/۰۹/۲۷ ۱۰:۰۰", "تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱"], zone: tehran)
        #expect(persian.labelled == "2022-12-17T08:28:00+03:30")
        #expect(persian.modified == "2022-12-18T10:00:00+03:30")
        #expect(dates(["به‌روزرسانی: ۱۴۰۱/۰۹/۲۷ ۱۰:۰۰"], zone: tehran).unlabelled == nil)
        // The site's "updated at" in the page header, lines above the article's date, is not the article's.
        let header = dates(
            [
                "۰۶ آذر ۱۴۰۳", "به روز شده در: ۰۶ آذر ۱۴۰۳ - ۰۰:۳۰", "آرشیو", "تماس با ما", "سیاسی",
                "تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱",
            ], zone: tehran)
        #expect(header.labelled == "2022-12-17T08:28:00+03:30")
        #expect(header.modified == nil)
    }

    @Test func aBylineDateComesBeforeADateInASentence() {
        let found = dates([
            "Der Rat tagte lange, und am 26.2.2013 starb der frühere Vorsitzende, wie die Zeitung später schrieb.",
            "8. März 2024",
        ])
        #expect(found.unlabelled == "2024-03-08")
    }

    @Test func commentDatesNeverWin() {
        let found = dates(["8 March 2024", "The story in a few words.", "3 Comments", "Anna: 12 March 2024 10:00", "Ben: 13 March 2024"])
        #expect(found.unlabelled == "2024-03-08")
        #expect(dates(["Anna says: March 12, 2024 at 10:00 am"]).unlabelled == nil)
        #expect(dates(["12 March 2024 10:00"], regions: [.comments]).unlabelled == nil)
        // A comment count in the byline, before any date, starts no comments.
        #expect(dates(["3 Kommentare", "08.03.2024"]).unlabelled == "2024-03-08")
    }

    @Test func aLabelAloneOnItsLineLabelsTheNext() {
        let found = dates(["Monday, March 11, 2024", "Published", "March 8, 2024"])
        #expect(found.labelled == "2024-03-08")
        #expect(dates(["تاریخ انتشار:", "۱۴۰۱/۰۹/۲۶ - ۰۸:۲۸"], zone: tehran).labelled == "2022-12-17T08:28:00+03:30")
    }

    @Test func theDayTheURLNamesPicksAmongUnlabelledDates() {
        let found = dates(["Monday 11 March 2024", "9 March 2024 10:00", "8 March 2024"], url: "https://example.com/2024/03/08/budget-story")
        #expect(found.unlabelled == "2024-03-08")
        #expect(
            VisibleDates.day(inURL: "https://example.ir/fa/news/1402/03/30/x")
                == ArticleDate.days(of: WrittenDate(calendar: .gregorian, year: 2023, month: 6, day: 20, tokens: 0..<0)))
        #expect(VisibleDates.day(inURL: "https://example.com/news/12345/slug") == nil)
    }

    @Test func metadataWinsAndATimeElementLendsItsTimeToALabelledDay() {
        let found = dates(["Monday, 11 March 2024", "Published 8 March 2024", "Updated 9 March 2024"])
        #expect(found.published(metadata: [nil, "2024-03-07T06:00:00Z"], others: [], dates: berlin) == "2024-03-07T07:00:00+01:00")
        #expect(found.published(metadata: [], others: ["2024-03-08T07:30:00+01:00"], dates: berlin) == "2024-03-08T07:30:00+01:00")
        // A <time> of another day does not beat the labelled line.
        #expect(found.published(metadata: [], others: ["2024-03-11T07:30:00+01:00"], dates: berlin) == "2024-03-08")
        // A later statement of the same day makes the first exact; another day does not replace it.
        #expect(
            VisibleDates.stated(["November 20, 2019 13:42", "2019-11-20 13:42:06+08:00"], dates: ArticleDate(timeZone: nil))
                == "2019-11-20T13:42:06+08:00")
        #expect(VisibleDates.stated(["2024-03-08", "2024-03-08T07:30:00+01:00"], dates: berlin) == "2024-03-08T07:30:00+01:00")
        #expect(VisibleDates.stated([nil, "2024-03-08", "2024-03-09T07:30:00+01:00"], dates: berlin) == "2024-03-08")
        // Without a label, the <time> comes before an unlabelled line.
        #expect(dates(["8 March 2024"]).published(metadata: [], others: ["2024-03-09T07:30:00+01:00"], dates: berlin) == "2024-03-09T07:30:00+01:00")
    }

    // MARK: Through the cleaner and the extractor

    let cleaner = try! HTMLCleaner(options: PluginOptions())
    let extractor = try! ArticleExtractor(options: PluginOptions())
    let story = """
        <p>Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen, mit knapper Mehrheit.</p>
        <p>Die Bürgermeisterin sagte, dass der Plan den Familien helfen wird, die seit Jahren auf bessere Busverbindungen warten.</p>
        <p>Kritiker warnten aber, das Geld reiche nicht für die Reparaturen, die in den älteren Vierteln der Stadt nötig sind.</p>
        """

    func extract(
        head: String = "", header: String = "<header><p>Montag, 11. März 2024</p></header>", byline: String,
        url: String = "https://www.example.de/politik/haushalt"
    ) throws -> [String: JSONValue] {
        let html = """
            <html lang="de"><head>\(head)</head><body>\(header)<article><h1>Haushalt beschlossen</h1>\(byline)\(story)
            <p>Aktualisiert am 9. März 2024, 10:00 Uhr</p></article>
            <div class="comments"><h3>3 Kommentare</h3><p>Anna sagt: 12. März 2024 um 10:00</p></div></body></html>
            """
        return extractor.extract(page: try cleaner.page(from: html, url: url), url: url)
    }

    @Test func onAPageTheLabelledLineBeatsHeaderUpdateAndComments() throws {
        let fields = try extract(byline: "<p class=\"byline\">Veröffentlicht am 8. März 2024</p>")
        #expect(fields["published"] == "2024-03-08")
        #expect(fields["modified"] == "2024-03-09T10:00:00+01:00")
        let timed = try extract(byline: "<p class=\"byline\">Veröffentlicht am <time datetime=\"2024-03-08T07:30:00+01:00\">8. März 2024</time></p>")
        #expect(timed["published"] == "2024-03-08T07:30:00+01:00")
        let stated = try extract(
            head: "<meta property=\"article:published_time\" content=\"2024-03-07T06:00:00Z\">",
            byline: "<p class=\"byline\">Veröffentlicht am 8. März 2024</p>")
        #expect(stated["published"] == "2024-03-07T07:00:00+01:00")
        let unlabelled = try extract(byline: "<p class=\"byline\">8. März 2024</p>")
        #expect(unlabelled["published"] == "2024-03-08")
    }
}

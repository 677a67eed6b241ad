import ETLText
import Foundation
import Testing

@testable import ETLPlugins

/// Dates written in visible text, in the sets' languages and forms (all texts made up here).
@Suite struct WrittenDateTests {
    let berlin = ArticleDate(timeZone: TimeZone(identifier: "Europe/Berlin"))
    let tehran = ArticleDate(timeZone: TimeZone(identifier: "Asia/Tehran"))

    @Test(arguments: [
        ("Published March 10, 2024 at 9:00 AM", "2024-03-10T09:00:00+01:00"),
        ("Mar. 10th, 2024 9:00 p.m.", "2024-03-10T21:00:00+01:00"),
        ("12:30 AM March 10, 2024", "2024-03-10T00:30:00+01:00"),
        ("Sunday, 10 March 2024", "2024-03-10"),
        ("10. März 2024", "2024-03-10"),
        ("Veröffentlicht am 10. März 2024, 9.00 Uhr", "2024-03-10T09:00:00+01:00"),
        ("10. Maerz 2024 um 21:15", "2024-03-10T21:15:00+01:00"),
        ("Stand: 10.07.2024 9 Uhr", "2024-07-10T09:00:00+02:00"),
        ("le 10 mars 2024 à 14h30", "2024-03-10T14:30:00+01:00"),
        ("Publié le 1er mars 2024", "2024-03-01"),
        ("10 de marzo de 2024 a las 9.00", "2024-03-10T09:00:00+01:00"),
        ("Opublikowano: 10 marca 2024, 09:00", "2024-03-10T09:00:00+01:00"),
        ("14 stycznia 2024 o godz. 9.30", "2024-01-14T09:30:00+01:00"),
        ("3 września 2024", "2024-09-03"),
        ("10 maggio 2024", "2024-05-10"),
        ("10 maart 2024 om 9.00", "2024-03-10T09:00:00+01:00"),
        ("10 de março de 2024", "2024-03-10"),
        ("2024年3月10日 9:00", "2024-03-10T09:00:00+01:00"),
        ("10/03/2024", "2024-03-10"),
        ("10.03.2024 09:00", "2024-03-10T09:00:00+01:00"),
        ("2024-03-10 09:00", "2024-03-10T09:00:00+01:00"),
        ("Stand: 2024-03-10 09:00 Uhr", "2024-03-10T09:00:00+01:00"),
        ("Posted 2024-03-10T09:00:00+05:30 by Anna", "2024-03-10T09:00:00+05:30"),
        ("10 March 2024 08:00 UTC", "2024-03-10T09:00:00+01:00"),
        ("10 March 2024 09:00 +0530", "2024-03-10T09:00:00+05:30"),
    ])
    func readsDatesWrittenInTheSetsLanguages(text: String, expected: String) {
        #expect(berlin.normalize(text) == expected, "\(text)")
    }

    @Test func numericDatesFollowThePagesLocale() {
        let american = ArticleDate(timeZone: TimeZone(identifier: "America/New_York"), monthFirst: true)
        #expect(american.normalize("03/10/2024 9:00 AM") == "2024-03-10T09:00:00-04:00")
        // A day over twelve decides whatever the locale says.
        #expect(american.normalize("25/12/2024") == "2024-12-25")
        #expect(berlin.normalize("03/10/2024") == "2024-10-03")
        #expect(berlin.normalize("12/25/2024") == "2024-12-25")
        #expect(ArticleDate.monthFirst(locale: "en-US", host: "news.example.co.uk"))
        #expect(ArticleDate.monthFirst(locale: "en", host: "www.example.com"))
        #expect(!ArticleDate.monthFirst(locale: "en", host: "www.example.co.uk"))
        #expect(!ArticleDate.monthFirst(locale: "en_GB", host: "www.example.com"))
        #expect(!ArticleDate.monthFirst(locale: "de-DE", host: "www.example.com"))
        #expect(!ArticleDate.monthFirst(locale: nil, host: "www.example.com"))
    }

    @Test func withoutAKnownPlaceNoOffsetIsInvented() {
        let nowhere = ArticleDate(timeZone: nil)
        // A time without an offset, and no place to take one from: the day, not an invented moment.
        #expect(nowhere.normalize("March 10, 2024 9:00 AM") == "2024-03-10")
        #expect(nowhere.normalize("2024-03-10T09:00:00") == "2024-03-10")
        #expect(nowhere.normalize("2024-03-10") == "2024-03-10")
        #expect(nowhere.normalize("2024-03-10T09:00:00Z") == "2024-03-10T09:00:00Z")
        #expect(nowhere.normalize("10 March 2024 09:00 CET") == "2024-03-10T09:00:00+01:00")
        // Jalali dates are Iran's.
        #expect(nowhere.normalize("۲۶ آذر ۱۴۰۱ ساعت ۸:۲۸") == "2022-12-17T08:28:00+03:30")
    }

    @Test(arguments: [
        "10 March", "March 2024", "31 February 2024", "2023-02-29", "Version 1.2.2024.5", "Call 030 1234 5678",
        "3:1 in the 2024 final", "vor 2 Stunden", "۱ ساعت قبل", "۱۴۰۲/۱۲/۳۰", "10 آذر 2024", "Seite 12 von 2024",
    ])
    func textsThatAreNoDate(text: String) {
        #expect(berlin.normalize(text) == nil, "\(text)")
    }

    @Test(arguments: [
        // 1401-09-26 → 2022-12-17 (a Saturday), in every arrangement.
        ("تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱", "2022-12-17T08:28:00+03:30"),
        ("۱۴۰۱/۰۹/۲۶ ۰۸:۲۸", "2022-12-17T08:28:00+03:30"),
        ("۲۶ آذر ۱۴۰۱ ساعت ۸:۲۸", "2022-12-17T08:28:00+03:30"),
        ("۰۸:۲۸ ۱۴۰۱.۰۹.۲۶", "2022-12-17T08:28:00+03:30"),
        ("شنبه ۲۶ آذر ۱۴۰۱ - ۰۸:۲۸", "2022-12-17T08:28:00+03:30"),
        ("شنبه، ۲۶ آذر ماه ۱۴۰۱، ساعت ۸:۲۸ ب.ظ", "2022-12-17T20:28:00+03:30"),
        ("٢٦-٠٩-١٤٠١ ٠٨:٢٨", "2022-12-17T08:28:00+03:30"),
        ("26-09-1401 08:28", "2022-12-17T08:28:00+03:30"),
        ("۱۴۰۱-۰۹-۲۶", "2022-12-17"),
        ("۰۸:۲۸-۱۴۰۱/۰۹/۲۶", "2022-12-17T08:28:00+03:30"),
        // The reference conversions of the notes.
        ("۳۰ خرداد ۱۴۰۲", "2023-06-20"),
        ("۱۲ مهر ۱۴۰۲ - ۲۳:۲۳ - 04October 2023", "2023-10-04T23:23:00+03:30"),
        ("04October 2023", "2023-10-04"),
        ("۷ بهمن ۱۴۰۱", "2023-01-27"),
        ("۶ آذر ۱۴۰۳", "2024-11-26"),
        ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),
        ("۳۰ اسفند ۱۳۹۹", "2021-03-20"),
        ("۲۹ اسفند ۱۴۰۲", "2024-03-19"),
        ("۱ فروردین ۱۴۰۴", "2025-03-21"),
        ("۱۱ دی ۱۳۴۸", "1970-01-01"),
        // Summer time until 2022.
        ("۱۵ تیر ۱۴۰۰ ۱۰:۰۰", "2021-07-06T10:00:00+04:30"),
    ])
    func readsPersianDateLinesInAnyArrangement(text: String, expected: String) {
        #expect(tehran.normalize(text) == expected, "\(text)")
    }

    @Test func aLineWithSeveralDatesGivesEachItsTime() {
        let tokens = DateTokens("Published 8 March 2024, 09:15 | Updated 11 March 2024, 17:40")
        let found = WrittenDate.all(in: tokens, monthFirst: false)
        #expect(found.count == 2)
        #expect(found.map(\.day) == [8, 11])
        #expect(found.map(\.hour) == [9, 17])
        #expect(found.map(\.minute) == [15, 40])
    }

    @Test func wordsAreFoldedAcrossSpellings() {
        #expect(DateTokens.key("März") == DateTokens.key("marz"))
        #expect(DateTokens.key("WRZEŚNIA") == DateTokens.key("wrzesnia"))
        #expect(DateTokens.key("ارديبهشت") == DateTokens.key("اردیبهشت"))
        #expect(DateTokens.key("سه\u{200C}شنبه") == DateTokens.key("سهشنبه"))
        #expect(DateWords.months[DateTokens.key("Août")]?.number == 8)
        #expect(DateWords.months[DateTokens.key("آذر")]?.isJalali == true)
    }
}

import ETLKit
import Foundation

/// Reads the dates news pages carry — ISO 8601 in meta tags and JSON-LD, RFC 822 in feeds, dates
/// written in text in several languages (``WrittenDate``: "March 10, 2024 at 9:00 AM", "10. März 2024",
/// "10/03/2024", Jalali «۲۶ آذر ۱۴۰۱ ساعت ۸:۲۸» with Persian or Arabic-Indic digits) — and writes them
/// as ISO 8601 with the offset of their place on that day.
///
/// Offsets come from the tz database through `TimeZone`, never a fixed number: Tehran was +04:30 in
/// summer until 2022 and is +03:30 all year since. A date written with its own offset keeps it; a
/// UTC (`Z`) date is shown in ``timeZone`` when one is known. A date written without an offset is a
/// time in ``timeZone``; when no zone is known it is written without one (`2024-03-10T09:00:00`)
/// rather than with an invented `Z`. Jalali dates are Iranian: without a zone they are Tehran's.
///
/// No `Calendar` or `DateFormatter` is made per call: Gregorian days are counted by arithmetic, and
/// Jalali days go through one shared Persian calendar.
public struct ArticleDate: Sendable {
    /// The place's time zone, when known.
    public var timeZone: TimeZone?
    /// Whether an ambiguous numeric date ("03/10/2024") is month-first: pages from the United States
    /// (see ``monthFirst(locale:host:)``). A day over 12 decides whatever this says.
    public var monthFirst: Bool

    public init(timeZone: TimeZone?, monthFirst: Bool = false) {
        self.timeZone = timeZone
        self.monthFirst = monthFirst
    }

    /// The date in `text` as ISO 8601, or nil when the text holds no date this parser reads. Text
    /// with several dates gives its first (``WrittenDate/all(in:monthFirst:)`` reads them all).
    public func normalize(_ text: String) -> String? {
        // Regular expressions are slow in Swift; a date has at least four digits, and most lines
        // extractors try have none. Counted on bytes before anything else.
        guard WrittenDate.hasEnoughDigits(text, minimum: 4) else { return nil }
        let trimmed = text.trimmingWhitespace()
        let ascii = ArticleDate.asciiDigits(trimmed)
        // «۱۴۰۱-۰۹-۲۶» has the shape of ISO 8601 but a Jalali year: the written-date reader takes it.
        if !(ascii.hasPrefix("13") || ascii.hasPrefix("14")), let (date, offset) = parseISO(ascii) {
            // A date alone stays a date: midnight in some zone would claim a moment nobody wrote.
            if ascii.utf8.count == 10 { return ascii }
            return format(date, writtenOffset: offset)
        }
        if let written = WrittenDate.first(in: trimmed, monthFirst: monthFirst) {
            return format(written)
        }
        // Two-digit years ("Tue, 20 Jun 23 08:51 GMT"), which the written-date reader does not take.
        if let (date, offset) = parseRFC822(ascii) {
            return format(date, writtenOffset: offset)
        }
        return nil
    }

    /// A written date as ISO 8601 (nil when the day does not exist: 1402-12-30, 2023-02-30).
    package func format(_ written: WrittenDate) -> String? {
        guard let days = ArticleDate.days(of: written) else { return nil }
        // A date alone stays a date (`2024-03-10`), in the Gregorian calendar.
        if !written.hasTime && written.offset == nil { return ArticleDate.dateOnly(days: days) }
        let seconds = written.hour * 3600 + written.minute * 60 + written.second
        if let offset = written.offset {
            let date = Date(timeIntervalSince1970: TimeInterval(days * 86_400 + seconds - offset))
            return format(date, writtenOffset: offset)
        }
        let zone = written.calendar == .jalali ? timeZone ?? ArticleDate.tehran : timeZone
        // A time with no offset and no known place: the day as written, since the moment is unknown.
        guard let zone else { return ArticleDate.dateOnly(days: days) }
        return ArticleDate.iso8601(ArticleDate.instant(days: days, seconds: seconds, in: zone), in: zone)
    }

    /// An instant read with its written offset (nil: none was written, and the instant was read in
    /// ``timeZone``, or as UTC when none is known).
    private func format(_ date: Date, writtenOffset offset: Int?) -> String {
        if let offset, offset != 0 || timeZone == nil {
            return ArticleDate.iso8601(date, in: TimeZone(secondsFromGMT: offset) ?? .gmt)
        }
        if offset == nil && timeZone == nil {
            // Read as UTC only to have an instant: the moment is unknown, the day as written is not.
            let seconds = Int(date.timeIntervalSince1970.rounded(.down))
            return ArticleDate.dateOnly(days: ArticleDate.floorDivide(seconds, 86_400))
        }
        return ArticleDate.iso8601(date, in: timeZone ?? .gmt)
    }

    /// Whether a page's numeric dates are month-first: a locale of the United States (or the
    /// Philippines), or English with no region on a site without a country-code domain. Everyone
    /// else in the sets writes day-first.
    public static func monthFirst(locale: String?, host: String?) -> Bool {
        guard let locale else { return false }
        let parts = locale.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard let language = parts.first else { return false }
        if parts.count > 1 { return parts[1] == "us" || parts[1] == "ph" }
        guard language == "en", let host, let domain = host.lowercased().split(separator: ".").last else { return false }
        return ["com", "org", "net", "edu", "gov", "mil", "us"].contains(String(domain))
    }

    package static let tehran = TimeZone(identifier: "Asia/Tehran") ?? TimeZone(secondsFromGMT: 12_600) ?? .gmt

    /// Persian (U+06F0…) and Arabic-Indic (U+0660…) digits as ASCII.
    public static func asciiDigits(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { (0x0660...0x0669).contains($0.value) || (0x06F0...0x06F9).contains($0.value) }) else {
            return text
        }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0660...0x0669: scalars.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30) ?? scalar)
            case 0x06F0...0x06F9: scalars.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30) ?? scalar)
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    // MARK: ISO 8601

    /// `2023-06-20`, `2023-06-20T08:51`, `2023-06-20 08:51:00.123+03:30`, `…Z`, `…+0330`.
    /// Returns the instant and the written offset in seconds (nil when none was written).
    package func parseISO(_ text: String) -> (Date, Int?)? {
        // Scanned by hand: a regular expression here cost 14% of extraction time when measured.
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ minimum: Int, _ maximum: Int) -> Int? {
            var value = 0
            var count = 0
            while index < bytes.count, count < maximum, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return count >= minimum ? value : nil
        }
        func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4, 4), skip(UInt8(ascii: "-")), let month = number(1, 2), skip(UInt8(ascii: "-")),
            let day = number(1, 2)
        else { return nil }
        var hour = 0
        var minute = 0
        var second = 0
        var hasTime = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "T") || bytes[index] == UInt8(ascii: "t") || bytes[index] == UInt8(ascii: " ") {
            let mark = index
            index += 1
            if let parsedHour = number(1, 2), skip(UInt8(ascii: ":")), let parsedMinute = number(2, 2) {
                hour = parsedHour
                minute = parsedMinute
                hasTime = true
                if skip(UInt8(ascii: ":")) {
                    guard let parsedSecond = number(2, 2) else { return nil }
                    second = parsedSecond
                    if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        guard number(1, 9) != nil else { return nil }
                    }
                }
            } else {
                index = mark
            }
        }
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        var offset: Int?
        if index < bytes.count {
            let zone = String(decoding: bytes[index...], as: UTF8.self)
            guard zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT" || zone.first == "+" || zone.first == "-",
                let seconds = ArticleDate.offsetSeconds(zone)
            else { return nil }
            offset = seconds
        }
        let zone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? (hasTime ? nil : timeZone) ?? timeZone ?? .gmt
        guard let date = ArticleDate.gregorianDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second, in: zone) else {
            return nil
        }
        return (date, offset)
    }

    package static func offsetSeconds(_ zone: String) -> Int? {
        switch zone.uppercased() {
        case "Z", "UTC", "GMT": return 0
        default:
            let digits = zone.dropFirst().filter(\.isNumber)
            guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)) else { return nil }
            let seconds = hours * 3600 + minutes * 60
            return zone.hasPrefix("-") ? -seconds : seconds
        }
    }

    package static func gregorianDate(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, in zone: TimeZone) -> Date? {
        guard hour < 24, minute < 60, second < 61, let days = civilDays(year: year, month: month, day: day) else { return nil }
        return instant(days: days, seconds: hour * 3600 + minute * 60 + second, in: zone)
    }

    // MARK: Day arithmetic

    /// Days from 1970-01-01 to a Gregorian day, or nil when the day does not exist (proleptic
    /// Gregorian calendar; H. Hinnant's `days_from_civil`).
    package static func civilDays(year: Int, month: Int, day: Int) -> Int? {
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        let shifted = month <= 2 ? year - 1 : year
        let era = floorDivide(shifted, 400)
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    package static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// The instant of a local day and time in `zone`, with the offset the tz database gives it.
    package static func instant(days: Int, seconds: Int, in zone: TimeZone) -> Date {
        let local = days * 86_400 + seconds
        var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local)))
        offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(local - offset)))
        return Date(timeIntervalSince1970: TimeInterval(local - offset))
    }

    /// Days from 1970-01-01 to a written date's day, either calendar; nil when it does not exist.
    package static func days(of written: WrittenDate) -> Int? {
        switch written.calendar {
        case .gregorian: return civilDays(year: written.year, month: written.month, day: written.day)
        case .jalali: return jalaliDays(year: written.year, month: written.month, day: written.day)
        }
    }

    /// `2023-06-20T12:21:00+03:30` (`Z` for UTC), as ETLKit's `Timestamp` writes it, by arithmetic.
    package static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let days = floorDivide(local, 86_400)
        var text = floating(days: days, seconds: local - days * 86_400)
        if offset == 0 {
            text += "Z"
        } else {
            let minutes = abs(offset) / 60
            text += (offset < 0 ? "-" : "+") + pad(minutes / 60) + ":" + pad(minutes % 60)
        }
        return text
    }

    /// `2024-03-10`: a day, in the Gregorian calendar.
    package static func dateOnly(days: Int) -> String {
        let (year, month, day) = Timestamp.civilDate(daysSince1970: days)
        return pad(year, 4) + "-" + pad(month) + "-" + pad(day)
    }

    /// `2024-03-10T09:00:00`: a local time with no offset.
    package static func floating(days: Int, seconds: Int) -> String {
        let (year, month, day) = Timestamp.civilDate(daysSince1970: days)
        return pad(year, 4) + "-" + pad(month) + "-" + pad(day) + "T" + pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60)
    }

    package static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // MARK: RFC 822 (RSS)

    /// `Tue, 20 Jun 2023 08:51:00 GMT`, `20 Jun 2023 12:21 +0330`.
    package func parseRFC822(_ text: String) -> (Date, Int?)? {
        guard text.utf8.contains(UInt8(ascii: ":")), text.utf8.contains(where: { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) else { return nil }
        guard let match = text.wholeMatch(of: Patterns.rfc822), let day = Int(match.1), var year = Int(match.3),
            let hour = Int(match.4), let minute = Int(match.5)
        else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let monthIndex = months.firstIndex(of: match.2.lowercased()) else { return nil }
        if year < 100 { year += year < 50 ? 2000 : 1900 }
        let second = match.6.flatMap { Int($0) } ?? 0
        var offset: Int?
        if let zone = match.7 {
            let names = [
                "GMT": 0, "UT": 0, "UTC": 0, "Z": 0, "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000,
                "MST": -25200, "MDT": -21600, "PST": -28800, "PDT": -25200, "IRST": 12600, "IRDT": 16200,
            ]
            offset = names[zone.uppercased()] ?? ArticleDate.offsetSeconds(String(zone))
        }
        let zone = offset.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone ?? .gmt
        guard let date = ArticleDate.gregorianDate(year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second, in: zone) else {
            return nil
        }
        return (date, offset)
    }

    /// The regular expressions, built once: a regex literal in a function body is compiled again
    /// at every call, which made date parsing a few per cent of extraction time.
    ///
    /// `nonisolated(unsafe)`: `Regex` is not marked `Sendable` in this toolchain, but matching does
    /// not mutate it; its compiled program is created once with an atomic initialisation
    /// (swift-experimental-string-processing), so sharing these across threads is safe.
    private enum Patterns {
        nonisolated(unsafe) static let rfc822 =
            #/^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,4}|[+-]\d{4})?$/#
    }

    // MARK: Jalali

    /// Persian month names, spelled with Persian yeh and without ZWNJ (text is folded the same way first).
    package static let jalaliMonths = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]

    /// `۳۰ خرداد ۱۴۰۲ / ۱۲:۲۱`, `۱۴۰۲/۰۳/۳۰ - ۱۲:۲۱`, `۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱`, `سه‌شنبه ۳۰ خرداد ۱۴۰۲`: the first
    /// Jalali date in the text, with its clock time when there is one. The year must be 1300–1499.
    public func parseJalali(_ text: String) -> Date? {
        guard WrittenDate.hasEnoughDigits(text) else { return nil }
        let tokens = DateTokens(text)
        guard let written = WrittenDate.all(in: tokens, monthFirst: false).first(where: { $0.calendar == .jalali }),
            let days = ArticleDate.jalaliDays(year: written.year, month: written.month, day: written.day)
        else { return nil }
        return ArticleDate.instant(
            days: days, seconds: written.hour * 3600 + written.minute * 60 + written.second,
            in: timeZone ?? ArticleDate.tehran)
    }

    /// A Jalali date through Foundation's Persian calendar, or nil when the day does not exist
    /// (1402-12-30, say: the calendar would roll it over to the next year).
    public static func jalaliDate(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, in zone: TimeZone) -> Date? {
        guard hour < 24, minute < 60, second < 61, let days = jalaliDays(year: year, month: month, day: day) else { return nil }
        return instant(days: days, seconds: hour * 3600 + minute * 60 + second, in: zone)
    }

    /// One Persian calendar in UTC, shared: it turns a Jalali day into a count of days, and the zone
    /// is applied afterwards (``instant(days:seconds:in:)``). `Calendar` is a `Sendable` value.
    private static let persianUTC: Calendar = {
        var calendar = Calendar(identifier: .persian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// Days from 1970-01-01 to a Jalali day, or nil when it does not exist.
    package static func jalaliDays(year: Int, month: Int, day: Int) -> Int? {
        guard (1...12).contains(month), (1...31).contains(day), day <= 30 || month <= 6 else { return nil }
        guard let date = persianUTC.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        let check = persianUTC.dateComponents([.year, .month, .day], from: date)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return floorDivide(Int(date.timeIntervalSince1970.rounded(.down)), 86_400)
    }

    /// Arabic yeh and alef maksura as Persian yeh, Arabic kaf as keheh, ZWNJ removed: month names match
    /// however a site spells them («ارديبهشت», «دى»).
    package static func foldArabicLetters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x064A, 0x0649: scalars.append("\u{06CC}")
            case 0x0643: scalars.append("\u{06A9}")
            case 0x200C: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}

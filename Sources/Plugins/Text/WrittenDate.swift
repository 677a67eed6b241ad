/// A date as a line of text writes it: "Published March 10, 2024 at 9:00 AM", "10. März 2024, 9.00 Uhr",
/// "10/03/2024", «تاریخ انتشار: ۰۸:۲۸ - ۲۶-۰۹-۱۴۰۱», «۲۶ آذر ۱۴۰۱ ساعت ۸:۲۸», "2024年3月10日".
///
/// The reader scans ``DateTokens`` by hand (no regular expressions: this runs on every short line
/// of a page that holds enough digits). It knows these arrangements, with any of the three digit
/// sets, an optional weekday, and the time of day before or after the date:
/// - numbers: year-month-day and day-month-year with `-`, `/` or `.` (the same mark twice); a
///   Gregorian day-month-year whose first two numbers are both 12 or less is month-first only when
///   the page's locale writes dates that way (``ArticleDate/monthFirst``);
/// - month names: "10 March 2024", "10. März 2024", "10 de marzo de 2024", "le 1er mars 2024",
///   "March 10, 2024", "2024. március 10.", «۲۶ آذر ماه ۱۴۰۱», "04October 2023";
/// - times: "9:00", "21:00:05", "9:00 AM", "9.00 Uhr", "um 9.00", "14h30", «۸:۲۸ ب.ظ», with a zone
///   or offset after them ("UTC", "+01:00", "CET").
///
/// Years are 1900–2100 (Gregorian) or 1300–1499 (Jalali); the month name or the year tells which.
package struct WrittenDate: Equatable, Sendable {
    package enum Calendar: Sendable { case gregorian, jalali }

    package var calendar: Calendar
    package var year: Int
    package var month: Int
    package var day: Int
    package var hour = 0
    package var minute = 0
    package var second = 0
    package var hasTime = false
    /// Seconds east of UTC, when the text writes an offset or a zone.
    package var offset: Int?
    /// A weekday name comes just before the date.
    package var hasWeekday = false
    /// The tokens the date spans (not its time).
    package var tokens: Range<Int>

    package init(
        calendar: Calendar, year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0,
        hasTime: Bool = false, offset: Int? = nil, hasWeekday: Bool = false, tokens: Range<Int>
    ) {
        self.calendar = calendar
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.hasTime = hasTime
        self.offset = offset
        self.hasWeekday = hasWeekday
        self.tokens = tokens
    }

    /// Every date in `tokens`, in order, each with the clock time that goes with it: the first time
    /// after it (before the next date), else the last free time before it.
    package static func all(in tokens: DateTokens, monthFirst: Bool) -> [WrittenDate] {
        Reader(tokens: tokens.tokens, monthFirst: monthFirst).read()
    }

    /// The first date in `text`, or nil.
    package static func first(in text: String, monthFirst: Bool = false) -> WrittenDate? {
        guard hasEnoughDigits(text) else { return nil }
        return all(in: DateTokens(text), monthFirst: monthFirst).first
    }

    /// Whether `text` has the five digits a complete date needs (a day and a four-digit year),
    /// counted on bytes: ASCII digits, Persian digits (DB B0…B9) and Arabic-Indic digits (D9 A0…A9).
    package static func hasEnoughDigits(_ text: String, minimum: Int = 5) -> Bool {
        var count = 0
        var lead: UInt8 = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                count += 1
            } else if (lead == 0xDB && byte >= 0xB0 && byte <= 0xB9) || (lead == 0xD9 && byte >= 0xA0 && byte <= 0xA9) {
                count += 1
            }
            if count >= minimum { return true }
            lead = byte
        }
        return false
    }
}

/// Marks, as scalar values.
private enum Mark {
    static let slash: UInt32 = 0x2F, hyphen: UInt32 = 0x2D, dot: UInt32 = 0x2E, colon: UInt32 = 0x3A
    static let comma: UInt32 = 0x2C, plus: UInt32 = 0x2B, minus: UInt32 = 0x2212, fullColon: UInt32 = 0xFF1A
    static let arabicComma: UInt32 = 0x060C
}

private struct ClockTime {
    var hour: Int
    var minute: Int
    var second: Int
    var offset: Int?
    var tokens: Range<Int>
}

private struct Reader {
    let tokens: [DateTokens.Token]
    let monthFirst: Bool

    init(tokens: [DateTokens.Token], monthFirst: Bool) {
        self.tokens = tokens
        self.monthFirst = monthFirst
    }

    func read() -> [WrittenDate] {
        var dates: [WrittenDate] = []
        var times: [ClockTime] = []
        var index = 0
        while index < tokens.count {
            if let date = date(at: index) {
                dates.append(date)
                index = date.tokens.upperBound
            } else if let time = time(at: index) {
                times.append(time)
                index = time.tokens.upperBound
            } else {
                index += 1
            }
        }
        guard !dates.isEmpty, !times.isEmpty else { return dates }
        var taken = [Bool](repeating: false, count: times.count)
        for position in dates.indices {
            let date = dates[position]
            let nextStart = position + 1 < dates.count ? dates[position + 1].tokens.lowerBound : tokens.count
            let previousEnd = position > 0 ? dates[position - 1].tokens.upperBound : 0
            let chosen =
                times.indices.first { !taken[$0] && times[$0].tokens.lowerBound >= date.tokens.upperBound && times[$0].tokens.lowerBound < nextStart }
                ?? times.indices.last { !taken[$0] && times[$0].tokens.lowerBound >= previousEnd && times[$0].tokens.upperBound <= date.tokens.lowerBound }
            guard let chosen else { continue }
            taken[chosen] = true
            let time = times[chosen]
            dates[position].hour = time.hour
            dates[position].minute = time.minute
            dates[position].second = time.second
            dates[position].offset = time.offset
            dates[position].hasTime = true
        }
        return dates
    }

    // MARK: Token tests

    private func number(_ index: Int, digits: ClosedRange<Int> = 1...2) -> Int? {
        guard index < tokens.count, tokens[index].kind == .number, digits.contains(tokens[index].digits) else { return nil }
        return tokens[index].value
    }

    /// Whether the token is one of up to three marks (fixed arguments: a variadic list would
    /// allocate an array at every call).
    private func isMark(_ index: Int, _ first: UInt32, _ second: UInt32 = .max, _ third: UInt32 = .max) -> Bool {
        guard index < tokens.count, tokens[index].kind == .mark else { return false }
        let mark = tokens[index].mark
        return mark == first || mark == second || mark == third
    }

    private func word(_ index: Int, in set: Set<UInt64>) -> Bool {
        index < tokens.count && tokens[index].kind == .word && set.contains(tokens[index].key)
    }

    private func month(_ index: Int) -> DateWords.Month? {
        guard index < tokens.count, tokens[index].kind == .word else { return nil }
        return DateWords.months[tokens[index].key]
    }

    /// A year of four digits: Jalali (1300–1499) or Gregorian (1900–2100).
    private func year(_ index: Int) -> (Int, WrittenDate.Calendar)? {
        guard let value = number(index, digits: 4...4) else { return nil }
        if (1300...1499).contains(value) { return (value, .jalali) }
        if (1900...2100).contains(value) { return (value, .gregorian) }
        return nil
    }

    private func isNumber(_ index: Int) -> Bool {
        index < tokens.count && tokens[index].kind == .number
    }

    // MARK: Dates

    private func date(at index: Int) -> WrittenDate? {
        let found: WrittenDate?
        switch tokens[index].kind {
        case .number: found = numericDate(at: index) ?? dayMonthYear(at: index) ?? yearMonthDay(at: index) ?? cjkDate(at: index)
        case .word: found = monthDayYear(at: index)
        case .mark: found = nil
        }
        guard var date = found else { return nil }
        // A weekday just before: «سه‌شنبه ۳۰ خرداد ۱۴۰۲», "Sunday, 10 March 2024".
        for back in 1...3 where index - back >= 0 {
            if word(index - back, in: DateWords.weekdays) {
                date.hasWeekday = true
                break
            }
            if tokens[index - back].kind == .number { break }
        }
        return date
    }

    private func make(_ calendar: WrittenDate.Calendar, _ year: Int, _ month: Int, _ day: Int, _ range: Range<Int>) -> WrittenDate? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        return WrittenDate(calendar: calendar, year: year, month: month, day: day, tokens: range)
    }

    /// `2024-03-10`, `1401/09/26`, `26-09-1401`, `10.03.2024`, `03/10/2024`.
    private func numericDate(at index: Int) -> WrittenDate? {
        guard isNumber(index), index + 4 < tokens.count, tokens[index + 1].kind == .mark else { return nil }
        let separator = tokens[index + 1].mark
        guard separator == Mark.slash || separator == Mark.hyphen || separator == Mark.dot,
            isMark(index + 3, separator), isNumber(index + 2), isNumber(index + 4)
        else { return nil }
        // Part of a longer run (a version number, an address): not a date.
        if isMark(index + 5, separator) && isNumber(index + 6) && !tokens[index + 5].spaceBefore { return nil }
        let range = index..<(index + 5)
        if let (year, calendar) = year(index), let month = number(index + 2), let day = number(index + 4) {
            return make(calendar, year, month, day, range)
        }
        guard let (year, calendar) = year(index + 4), let first = number(index), let second = number(index + 2) else { return nil }
        if calendar == .jalali || first > 12 { return make(calendar, year, second, first, range) }
        if second > 12 || monthFirst { return make(calendar, year, first, second, range) }
        return make(calendar, year, second, first, range)
    }

    /// `10 March 2024`, `10. März 2024`, `10 de marzo de 2024`, `1er mars 2024`, `۲۶ آذر ماه ۱۴۰۱`.
    private func dayMonthYear(at index: Int) -> WrittenDate? {
        guard let day = number(index) else { return nil }
        var cursor = index + 1
        if isMark(cursor, Mark.dot) { cursor += 1 }
        if word(cursor, in: DateWords.ordinals) && !tokens[cursor].spaceBefore { cursor += 1 }
        if word(cursor, in: DateWords.connectors) { cursor += 1 }
        guard let month = month(cursor) else { return nil }
        cursor += 1
        if isMark(cursor, Mark.dot) { cursor += 1 }
        if word(cursor, in: DateWords.connectors) { cursor += 1 }
        if isMark(cursor, Mark.comma, Mark.arabicComma) { cursor += 1 }
        guard let (year, calendar) = year(cursor), (calendar == .jalali) == month.isJalali else { return nil }
        return make(calendar, year, month.number, day, index..<(cursor + 1))
    }

    /// `March 10, 2024`, `Mar. 10th 2024`.
    private func monthDayYear(at index: Int) -> WrittenDate? {
        guard let month = month(index), !month.isJalali else { return nil }
        var cursor = index + 1
        if isMark(cursor, Mark.dot) { cursor += 1 }
        guard let day = number(cursor) else { return nil }
        cursor += 1
        if word(cursor, in: DateWords.ordinals) && !tokens[cursor].spaceBefore { cursor += 1 }
        if isMark(cursor, Mark.comma) { cursor += 1 }
        if word(cursor, in: DateWords.connectors) { cursor += 1 }
        guard let (year, calendar) = year(cursor), calendar == .gregorian else { return nil }
        return make(calendar, year, month.number, day, index..<(cursor + 1))
    }

    /// `2024. március 10.`, `2024 March 10`, `۱۴۰۱ آذر ۲۶`.
    private func yearMonthDay(at index: Int) -> WrittenDate? {
        guard let (year, calendar) = year(index) else { return nil }
        var cursor = index + 1
        if isMark(cursor, Mark.dot, Mark.comma) { cursor += 1 }
        guard let month = month(cursor), (calendar == .jalali) == month.isJalali else { return nil }
        cursor += 1
        if isMark(cursor, Mark.dot) { cursor += 1 }
        guard let day = number(cursor) else { return nil }
        // "2024 March 10:30" is a year, a month and a time.
        if isMark(cursor + 1, Mark.colon) { return nil }
        return make(calendar, year, month.number, day, index..<(cursor + 1))
    }

    /// `2024年3月10日`, `2024년 3월 10일`.
    private func cjkDate(at index: Int) -> WrittenDate? {
        guard let (year, calendar) = year(index), calendar == .gregorian, word(index + 1, in: DateWords.cjkYear),
            let month = number(index + 2), word(index + 3, in: DateWords.cjkMonth), let day = number(index + 4)
        else { return nil }
        let end = word(index + 5, in: DateWords.cjkDay) ? index + 6 : index + 5
        return make(calendar, year, month, day, index..<end)
    }

    // MARK: Times

    private func time(at index: Int) -> ClockTime? {
        guard let hour = number(index), hour <= 24 else { return nil }
        var minute = 0
        var second = 0
        var cursor = index + 1
        if isMark(cursor, Mark.colon, Mark.fullColon), let parsed = number(cursor + 1, digits: 2...2), parsed < 60 {
            minute = parsed
            cursor += 2
            if isMark(cursor, Mark.colon, Mark.fullColon), let parsedSecond = number(cursor + 1, digits: 2...2), parsedSecond <= 60 {
                second = parsedSecond
                cursor += 2
                // Fractions of a second.
                if isMark(cursor, Mark.dot, Mark.comma), isNumber(cursor + 1), !tokens[cursor + 1].spaceBefore { cursor += 2 }
            }
        } else if isMark(cursor, Mark.dot), let parsed = number(cursor + 1, digits: 2...2), parsed < 60,
            word(cursor + 2, in: DateWords.hourWords) || followsTimeConnector(index)
        {
            // "9.00 Uhr", "um 9.00": a dot between hour and minutes only with a word that says so.
            minute = parsed
            cursor += 2
            if word(cursor, in: DateWords.hourWords) { cursor += 1 }
        } else if word(cursor, in: DateWords.hourWords) {
            // "14h30", "14 h 30", "9 Uhr".
            cursor += 1
            if let parsed = number(cursor, digits: 2...2), parsed < 60 {
                minute = parsed
                cursor += 1
            }
        } else {
            return nil
        }
        var hour24 = hour
        // A meridiem word followed by a number is something else: German "9:00 am 10. März" ("on").
        let nextIsNumber = isNumber(cursor + 1)
        var afternoon: Bool?
        if dottedMeridiem(cursor, first: "p") {
            afternoon = true
            cursor += dottedLength(cursor)
        } else if dottedMeridiem(cursor, first: "a") {
            afternoon = false
            cursor += dottedLength(cursor)
        } else if !nextIsNumber && word(cursor, in: DateWords.afternoon) {
            afternoon = true
            cursor += 1
        } else if !nextIsNumber && word(cursor, in: DateWords.morning) {
            afternoon = false
            cursor += 1
        }
        if afternoon == true && hour24 < 12 { hour24 += 12 }
        if afternoon == false && hour24 == 12 { hour24 = 0 }
        guard hour24 < 24 || (hour24 == 24 && minute == 0 && second == 0) else { return nil }
        let (offset, end) = zone(at: cursor)
        return ClockTime(hour: hour24 % 24, minute: minute, second: second, offset: offset, tokens: index..<end)
    }

    /// "um 9.00", "o godz. 9.30" (an abbreviation's dot between).
    private func followsTimeConnector(_ index: Int) -> Bool {
        let previous = index > 0 && isMark(index - 1, Mark.dot) ? index - 2 : index - 1
        return previous >= 0 && word(previous, in: DateWords.timeConnectors)
    }

    private static let keyA = DateTokens.key("a"), keyP = DateTokens.key("p"), keyM = DateTokens.key("m")
    private static let keyQaf = DateTokens.key("ق"), keyBe = DateTokens.key("ب"), keyZa = DateTokens.key("ظ")
    private static let keyZ = DateTokens.key("z")

    /// "a.m.", "p.m.", «ق.ظ», «ب.ظ».
    private func dottedMeridiem(_ index: Int, first: String) -> Bool {
        guard index + 2 < tokens.count, tokens[index].kind == .word, isMark(index + 1, Mark.dot), tokens[index + 2].kind == .word else { return false }
        let key = tokens[index].key
        let second = tokens[index + 2].key
        if first == "p" { return (key == Self.keyP && second == Self.keyM) || (key == Self.keyBe && second == Self.keyZa) }
        return (key == Self.keyA && second == Self.keyM) || (key == Self.keyQaf && second == Self.keyZa)
    }

    private func dottedLength(_ index: Int) -> Int {
        isMark(index + 3, Mark.dot) ? 4 : 3
    }

    /// A zone or offset right after a time: `Z`, `UTC`, `GMT+3`, `+01:00`, `-0500`, `CET`.
    private func zone(at index: Int) -> (Int?, Int) {
        var cursor = index
        var offset: Int?
        // "Z" only right after the time ("09:00Z"): a "z" after a space is the Polish word.
        if cursor < tokens.count, tokens[cursor].kind == .word, let named = DateWords.zones[tokens[cursor].key],
            tokens[cursor].key != Self.keyZ || !tokens[cursor].spaceBefore
        {
            offset = named
            cursor += 1
        }
        if isMark(cursor, Mark.plus, Mark.hyphen, Mark.minus), let (seconds, end) = signedOffset(at: cursor, afterName: offset != nil) {
            return ((offset ?? 0) + seconds, end)
        }
        return (offset, cursor)
    }

    private func signedOffset(at index: Int, afterName: Bool) -> (Int, Int)? {
        let sign = tokens[index].mark == Mark.plus ? 1 : -1
        guard isNumber(index + 1), !tokens[index + 1].spaceBefore else { return nil }
        let first = tokens[index + 1]
        var hours = 0
        var minutes = 0
        var end = index + 2
        if first.digits == 4 {
            hours = first.value / 100
            minutes = first.value % 100
        } else if first.digits <= 2, isMark(index + 2, Mark.colon), let parsed = number(index + 3, digits: 2...2) {
            hours = first.value
            minutes = parsed
            end = index + 4
        } else if first.digits <= 2, afterName {
            hours = first.value  // "GMT+3"
        } else {
            return nil
        }
        // «۱۶:۱۲-۱۴۰۲/۰۲/۱۲»: a year after a time, not an offset.
        if isMark(end, Mark.slash, Mark.hyphen, Mark.dot) && isNumber(end + 1) { return nil }
        guard hours <= 14, minutes == 0 || minutes == 30 || minutes == 45 else { return nil }
        return (sign * (hours * 3600 + minutes * 60), end)
    }
}

import ETLKit
import Foundation

/// `WARC-Date` values: UTC in the W3C profile of ISO 8601 (`2026-11-26T14:00:00Z`).
///
/// etl writes whole seconds, the precision of a record's `fetchedAt`, so that an archived page
/// re-extracted gives the same `fetchedAt` as the live run. It reads fractions of a second too
/// (WARC/1.1 allows them), and the shorter forms W3C-DTF allows (a date alone, minutes without
/// seconds).
enum WARCDate {
    /// The value written for `date`.
    static func format(_ date: Date) -> String {
        Timestamp.iso8601(date)
    }

    /// The moment a `WARC-Date` value names, or nil when it is not one.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = number(4) else { return nil }
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0.0
        if expect("-") {
            guard let value = number(2) else { return nil }
            month = value
            if expect("-") {
                guard let value = number(2) else { return nil }
                day = value
                if expect("T") {
                    guard let hours = number(2), expect(":"), let minutes = number(2) else { return nil }
                    (hour, minute) = (hours, minutes)
                    if expect(":") {
                        guard let seconds = number(2) else { return nil }
                        second = Double(seconds)
                        if expect(".") {
                            var scale = 0.1
                            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                                second += Double(bytes[index] - 0x30) * scale
                                scale /= 10
                                index += 1
                            }
                        }
                    }
                    guard expect("Z") else { return nil }
                }
            }
        }
        guard index == bytes.count, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60) + second)
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`, the inverse of ``Timestamp/civilDate(daysSince1970:)``).
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

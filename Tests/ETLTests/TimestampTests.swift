import ETLKit
import Foundation
import Testing

/// ISO 8601 in UTC by integer arithmetic, checked against Foundation's calendar.
@Suite struct TimestampTests {
    @Test func utcTextMatchesTheCalendarsOnEveryKindOfDay() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        var dates = [0, -1, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800, 1_700_000_000].map { Date(timeIntervalSince1970: TimeInterval($0)) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: TimeInterval(Int.random(in: -5_000_000_000...5_000_000_000, using: &generator))))
        }
        for date in dates {
            #expect(Timestamp.iso8601(date) == Timestamp.iso8601(date, timeZone: utc), "\(date.timeIntervalSince1970)")
        }
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}

import Foundation

/// ISO 8601 text for dates, in UTC (run bookkeeping) or with a place's offset (article dates).
public enum Timestamp {
    /// `2023-06-20T08:51:00Z`.
    public static func iso8601(_ date: Date) -> String {
        iso8601(date, timeZone: TimeZone(identifier: "UTC") ?? TimeZone.current)
    }

    /// `2023-06-20T12:21:00+03:30`: the date with the offset its time zone had on that day (from the
    /// tz database, so Iran's daylight saving until 2022 comes out right).
    public static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        func pad(_ value: Int?, _ width: Int = 2) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let zone: String
        if offset == 0 {
            zone = "Z"
        } else {
            let sign = offset < 0 ? "-" : "+"
            let minutes = abs(offset) / 60
            zone = "\(sign)\(pad(minutes / 60)):\(pad(minutes % 60))"
        }
        return "\(pad(parts.year, 4))-\(pad(parts.month))-\(pad(parts.day))T\(pad(parts.hour)):\(pad(parts.minute)):\(pad(parts.second))\(zone)"
    }
}

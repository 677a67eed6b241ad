import ETLKit
import Foundation

/// The bounds of a date window, as every plugin with one reads them (`since` and `until` of the
/// `sitemap` and `feed` sources and of the `filter` transform): an ISO 8601 date (`2024-11-26`, its
/// first moment, UTC) or date-time (`2024-11-26T10:00:00+03:30`; UTC without an offset), or a span
/// back from now: `7d`, `36h`, `90m`, `2w`. `since` keeps what is dated at or after its moment,
/// `until` what is dated before it.
package enum TimeBound {
    /// The option `option`'s moment; an error that shows the forms it takes otherwise.
    package static func date(_ text: String, option: String, now: Date = Date()) throws(OptionError) -> Date {
        let trimmed = text.trimmingWhitespace()
        if let unit = trimmed.last, let amount = Double(trimmed.dropLast()), amount >= 0, amount.isFinite {
            let seconds: Double? =
                switch unit {
                case "w": 604_800
                case "d": 86_400
                case "h": 3_600
                case "m": 60
                default: nil
                }
            if let seconds { return now.addingTimeInterval(-amount * seconds) }
        }
        guard let (date, _) = ArticleDate(timeZone: nil).parseISO(trimmed) else {
            throw OptionError(
                option: option,
                "is \"\(text)\": expected an ISO date or date-time (2024-11-26, 2024-11-26T10:00:00+03:30) or a span back from now (7d, 36h, 90m, 2w)")
        }
        return date
    }

    /// Both bounds of a window from the `since` and `until` options' texts; an error when no date
    /// could be inside it.
    package static func window(since sinceText: String?, until untilText: String?, now: Date = Date()) throws(OptionError) -> (since: Date?, until: Date?) {
        let since = try sinceText.map { text throws(OptionError) in try date(text, option: "since", now: now) }
        let until = try untilText.map { text throws(OptionError) in try date(text, option: "until", now: now) }
        if let since, let until, since >= until {
            throw OptionError(option: "until", "is not after since: nothing could be dated inside the window")
        }
        return (since, until)
    }

    /// The `since` option, `note` saying what its plugin compares or keeps.
    package static func since(_ note: String, formerly: [String] = []) -> OptionKey<String?> {
        .string(
            "since", formerly: formerly,
            "Keep only what is dated at or after this: an ISO date or date-time (2024-11-26, 2024-11-26T10:00:00+03:30; UTC without an offset) or a span back from now (7d, 36h, 90m, 2w). "
                + note)
    }

    /// The `until` option.
    package static func until(formerly: [String] = []) -> OptionKey<String?> {
        .string("until", formerly: formerly, "Keep only what is dated before this, in the same forms as since.")
    }
}

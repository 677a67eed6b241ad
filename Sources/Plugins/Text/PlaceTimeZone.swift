import Foundation

/// Guesses the time zone of a news site from its country-code domain or its language, for dates
/// written in UTC or without an offset. Only countries with a single time zone are listed: a guess
/// for a country spanning several zones would be wrong as often as right.
public enum PlaceTimeZone {
    private static let byCountryDomain: [String: String] = [
        "ir": "Asia/Tehran", "af": "Asia/Kabul", "tj": "Asia/Dushanbe", "tr": "Europe/Istanbul", "iq": "Asia/Baghdad",
        "sa": "Asia/Riyadh", "ae": "Asia/Dubai", "qa": "Asia/Qatar", "kw": "Asia/Kuwait", "bh": "Asia/Bahrain",
        "om": "Asia/Muscat", "jo": "Asia/Amman", "lb": "Asia/Beirut", "sy": "Asia/Damascus", "il": "Asia/Jerusalem",
        "eg": "Africa/Cairo", "az": "Asia/Baku", "am": "Asia/Yerevan", "ge": "Asia/Tbilisi", "pk": "Asia/Karachi",
        "in": "Asia/Kolkata", "cn": "Asia/Shanghai", "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "de": "Europe/Berlin",
        "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "at": "Europe/Vienna",
        "ch": "Europe/Zurich", "pl": "Europe/Warsaw", "cz": "Europe/Prague", "se": "Europe/Stockholm", "no": "Europe/Oslo",
        "dk": "Europe/Copenhagen", "fi": "Europe/Helsinki", "gr": "Europe/Athens", "ie": "Europe/Dublin", "uk": "Europe/London",
        "ua": "Europe/Kyiv", "gb": "Europe/London",
    ]
    /// Languages spoken mostly in one time zone.
    private static let byLanguage: [String: String] = [
        "fa": "Asia/Tehran", "fa-ir": "Asia/Tehran", "fa-af": "Asia/Kabul", "prs": "Asia/Kabul", "ps": "Asia/Kabul",
    ]

    /// The zone for a host's country-code domain, then for a language tag, or nil.
    public static func guess(host: String?, language: String?) -> TimeZone? {
        if let host, let tld = host.lowercased().split(separator: ".").last, let name = byCountryDomain[String(tld)] {
            return TimeZone(identifier: name)
        }
        if let language {
            let tag = language.lowercased().replacingOccurrences(of: "_", with: "-")
            if let name = byLanguage[tag] ?? byLanguage[String(tag.prefix(while: { $0 != "-" }))] {
                return TimeZone(identifier: name)
            }
        }
        return nil
    }
}

/// The words dates are written with, in the languages of the sets this project reads (German,
/// English, French, Spanish, Polish, Persian, Arabic) and a few neighbours (Italian, Dutch,
/// Portuguese, Turkish, Hungarian, Russian, Ukrainian), as ``DateTokens`` keys.
///
/// Spellings are written naturally; folding ("März" → "marz", «ارديبهشت» → «اردیبهشت») makes one
/// entry cover the accented, unaccented and Arabic-letter spellings.
package enum DateWords {
    /// A month name: its number, and whether it is a Jalali (Solar Hijri) month.
    package struct Month: Sendable {
        package let number: Int
        package let isJalali: Bool
    }

    package static let months: [UInt64: Month] = {
        var table: [UInt64: Month] = [:]
        func add(_ names: [String], jalali: Bool = false) {
            for (index, spellings) in names.enumerated() {
                for name in spellings.split(separator: " ") {
                    table[DateTokens.key(String(name))] = Month(number: index + 1, isJalali: jalali)
                }
            }
        }
        // One string per month, its spellings separated by spaces.
        add([
            "january jan januar jänner janvier janv enero ene janeiro gennaio gen januari styczeń stycznia sty ocak január",
            "february feb februar feber février févr fevr febrero fevereiro fev febbraio februari luty lutego lut şubat február",
            "march mar märz maerz mrz mars marzo março marco maart mrt marzec marca mart március",
            "april apr avril avr abril aprile kwiecień kwietnia kwi nisan április",
            "may mai mayo maio maggio mag mei maj maja mayıs május",
            "june jun juni juin junio junho giugno giu czerwiec czerwca cze haziran június",
            "july jul juli juillet juil julio julho luglio lug lipiec lipca lip temmuz július",
            "august aug août aout agosto ago augustus sierpień sierpnia sie ağustos augusztus",
            "september sep sept septembre septiembre setiembre set setembro settembre wrzesień września wrz eylül szeptember",
            "october oct oktober okt octobre octubre outubro out ottobre ott październik października paź ekim október",
            "november nov novembre noviembre novembro listopad listopada lis kasım",
            "december dec dezember dez décembre déc diciembre dic dezembro dicembre grudzień grudnia gru aralık",
        ])
        add([
            "января январь", "февраля февраль", "марта март", "апреля апрель", "мая май", "июня июнь",
            "июля июль", "августа август", "сентября сентябрь", "октября октябрь", "ноября ноябрь", "декабря декабрь",
        ])
        add(["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня", "листопада", "грудня"])
        // Gregorian months in Arabic (Egyptian and Levantine names) and in Persian.
        add([
            "يناير ژانویه", "فبراير شباط فوریه", "مارس آذار", "أبريل إبريل نيسان آوریل", "مايو أيار مه می",
            "يونيو يونيه حزيران ژوئن", "يوليو يوليه تموز ژوئیه جولای", "أغسطس آب اوت آگوست", "سبتمبر أيلول سپتامبر",
            "أكتوبر اکتبر", "نوفمبر نوامبر", "ديسمبر دسامبر",
        ])
        // Jalali months, and the same months by their Afghan (Dari) names.
        add(
            [
                "فروردین حمل", "اردیبهشت ثور", "خرداد جوزا", "تیر سرطان", "مرداد امرداد اسد", "شهریور سنبله",
                "مهر میزان", "آبان عقرب", "آذر قوس", "دی جدی", "بهمن دلو", "اسفند حوت",
            ], jalali: true)
        return table
    }()

    /// Day names: a date line that starts with one is often the site's "today" line.
    package static let weekdays: Set<UInt64> = keySet(
        """
        monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
        montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag mo di mi do fr sa so
        lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo
        segunda terça quarta quinta sexta feira lunedì martedì mercoledì giovedì venerdì sabato domenica
        maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
        poniedziałek wtorek środa czwartek piątek sobota niedziela pazartesi salı çarşamba perşembe cuma cumartesi pazar
        شنبه یکشنبه دوشنبه سهشنبه چهارشنبه پنجشنبه جمعه الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد
        понедельник вторник среда четверг пятница суббота воскресенье
        """)

    /// Words between a day and its month or year: "10 de marzo de 2024", «۲۶ آذر ماه ۱۴۰۱».
    package static let connectors: Set<UInt64> = keySet("de del di ماه")

    /// Ordinal endings after a day: "March 10th", "1er mars", "1º".
    package static let ordinals: Set<UInt64> = keySet("st nd rd th er eme o º")

    /// Words after which "9.00" is a time of day: "um 9.00", "o godz. 9.00", "alle ore 9.00".
    package static let timeConnectors: Set<UInt64> = keySet("um at a à las o godz godzina ore om kl klo ساعت")

    /// Words after a number that make it an hour: "9 Uhr", "14h30".
    package static let hourWords: Set<UInt64> = keySet("uhr h")

    package static let morning: Set<UInt64> = keySet("am ق صبح ص")
    package static let afternoon: Set<UInt64> = keySet("pm ب عصر بعدازظهر م")

    /// Zone names written after a time, with their offsets in seconds.
    package static let zones: [UInt64: Int] = {
        let names: [(String, Int)] = [
            ("z", 0), ("utc", 0), ("gmt", 0), ("wet", 0), ("west", 3600), ("bst", 3600),
            ("cet", 3600), ("mez", 3600), ("cest", 7200), ("mesz", 7200), ("eet", 7200), ("eest", 10800),
            ("msk", 10800), ("irst", 12600), ("irdt", 16200), ("est", -18000), ("edt", -14400),
            ("cst", -21600), ("cdt", -18000), ("mst", -25200), ("mdt", -21600), ("pst", -28800), ("pdt", -25200),
        ]
        var table: [UInt64: Int] = [:]
        for (name, offset) in names { table[DateTokens.key(name)] = offset }
        return table
    }()

    /// The year, month and day signs of Chinese, Japanese and Korean dates: 2024年3月10日, 2024년 3월 10일.
    package static let cjkYear: Set<UInt64> = keySet("年 년")
    package static let cjkMonth: Set<UInt64> = keySet("月 월")
    package static let cjkDay: Set<UInt64> = keySet("日 일")

    package static func keySet(_ words: String) -> Set<UInt64> {
        Set(words.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { DateTokens.key(String($0)) })
    }
}

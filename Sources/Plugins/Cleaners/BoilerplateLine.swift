/// Short lines that label the furniture around an article rather than say anything: the heading of
/// a "related articles" box ("Mehr zum Thema", "Temas relacionados"), a share or comments prompt,
/// and photo and source credits ("Foto: …", "Quelle: …"). Templates put them inside the article's own
/// container, so a container's score cannot drop them; their words can.
///
/// The lists cover the languages of the web pages `etl` is measured on (English, German, French,
/// Spanish, Portuguese, Italian, Dutch, Polish, Persian, Arabic). A line is matched only when it is
/// short and the phrase is all of it, or all of it but a short tail ("Mehr zum Thema auf example.de"),
/// so a sentence that uses the same words stays.
enum BoilerplateLine {
    /// The longest line tested, in characters: labels are short; sentences are not labels.
    static let maximumLength = 64

    /// Labels of sections that are not the article (whole line, up to a short tail).
    static let sectionLabels: [String] = [
        // English
        "related", "related articles", "related posts", "related stories", "related content", "related topics",
        "related news", "read more", "read also", "see also", "more on this", "more on this topic", "more from",
        "more stories", "more news", "you may also like", "you might also like", "you may be interested in",
        "recommended", "recommended for you", "recommended articles", "explore further", "further reading",
        "share this", "share this article", "share this post", "share on", "share", "tags", "topics", "comments",
        "no comments", "leave a comment", "leave a reply", "post a comment", "subscribe", "sign up for",
        "advertisement", "sponsored", "trending", "most read", "most popular", "popular posts", "recent posts",
        "latest news", "latest posts", "follow us", "about the author", "permalink", "back to top", "contact",
        "more", "more info at", "you are not logged in", "all information without guarantee",
        "by", "von", "par", "por", "author", "authors", "autor", "autoren", "auteur", "publish date", "filed under",
        "posted in", "text size", "order reprints", "just watched", "must watch", "share this story",
        "previous post", "next post", "previous article", "next article", "previous", "next", "highlights",
        "loading", "loading content", "print this page", "print", "email this", "log in", "sign in",
        // German
        "weiterlesen", "mehr zum thema", "mehr themen", "mehr dazu", "mehr kolumnen", "lesen sie auch",
        "lesen sie mehr", "lies auch", "das könnte sie auch interessieren", "das könnte dich auch interessieren",
        "auch interessant", "ähnliche beiträge", "ähnliche artikel", "verwandte artikel", "verwandte themen",
        "weitere artikel", "weitere beiträge", "weitere informationen zum thema", "weiterführende links",
        "weiterführender link", "zum weiterlesen", "themen im artikel", "schlagworte", "schlagwörter",
        "stichworte", "artikel teilen", "diesen artikel teilen", "beitrag teilen", "teilen", "kommentare",
        "keine kommentare", "kommentar schreiben", "kommentar verfassen", "quellen", "quellenangaben", "anzeige",
        "werbung", "empfohlener redaktioneller inhalt", "zusatzinformationen", "meistgelesen",
        "meistgelesene artikel", "beliebte beiträge", "neueste beiträge", "war der artikel nützlich",
        "war dieser artikel hilfreich", "möchten sie den artikel teilen", "vorschau auf den nächsten artikel",
        "vorheriger beitrag", "nächster beitrag", "vorheriger artikel", "nächster artikel", "zurück", "drucken",
        "über den autor", "über die autorin", "kontakt", "alle angaben ohne gewähr", "angaben ohne gewähr",
        "quellen ausblenden", "quellen einblenden", "sie sind nicht eingeloggt", "sie sind aktuell nicht eingeloggt",
        "mehr", "weitere infos unter", "weitere informationen unter", "community",
        // French
        "lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "à découvrir", "a découvrir",
        "articles similaires", "articles liés", "sur le même sujet", "dans la même rubrique", "partager",
        "partager cet article", "commentaires", "mots-clés", "mots clés", "permalien", "publicité",
        "les plus lus", "à voir aussi", "article précédent", "article suivant", "imprimer",
        // Spanish
        "lea también", "lee también", "leer más", "ver también", "temas relacionados", "noticias relacionadas",
        "artículos relacionados", "te puede interesar", "también te puede interesar", "te recomendamos",
        "compartir", "comentarios", "etiquetas", "publicidad", "lo más leído", "más noticias", "temas", "más",
        "entrada anterior", "entrada siguiente", "siguiente entrada", "artículo anterior", "artículo siguiente",
        // Portuguese
        "veja também", "leia também", "leia mais", "saiba mais", "notícias relacionadas", "compartilhe",
        "comentários", "publicidade", "mais lidas",
        // Italian
        "leggi anche", "potrebbe interessarti", "articoli correlati", "condividi", "commenti", "pubblicità",
        // Dutch
        "lees ook", "lees meer", "gerelateerde artikelen", "reacties", "delen",
        // Polish
        "czytaj także", "czytaj też", "czytaj więcej", "zobacz też", "zobacz także", "polecamy",
        "podobne artykuły", "powiązane artykuły", "udostępnij", "komentarze", "tagi", "reklama",
        "najczęściej czytane", "więcej", "materiał chroniony prawem", "materiał chroniony prawem autorskim", "poprzedni artykuł", "następny artykuł", "poprzedni wpis", "następny wpis",
        // Persian and Arabic
        "اخبار مرتبط", "مطالب مرتبط", "بیشتر بخوانید", "پربازدیدترین", "آخرین اخبار", "دیدگاه شما", "نظر شما",
        "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة", "أخبار ذات صلة",
    ]

    /// Prefixes of credit and source lines, written with a colon ("Foto: dpa", "Source : AFP").
    static let creditLabels: [String] = [
        "foto", "fotos", "photo", "photos", "bild", "bilder", "image", "images", "picture", "abbildung",
        "quelle", "quellen", "source", "sources", "fuente", "fuentes", "fonte", "źródło", "bron",
        "credit", "credits", "crédit", "crédits", "crédits photos", "crédit photo", "copyright", "fot", "zdjęcie",
        "zdjęcia", "foto de", "fotografía", "grafik", "video", "vídeo", "عکس", "منبع", "المصدر",
        // Taxonomy lines: "Themen: …", "Tags: …".
        "themen", "thema", "tags", "tag", "schlagworte", "schlagwörter", "stichworte", "temas", "tema", "topics",
        "kategorie", "kategorien", "category", "categories", "catégorie", "catégories", "rubrique", "rubrik",
        "sujets", "etiquetas", "tagi", "kategoria",
    ]

    /// Picture agencies and libraries: a short line (six words at most, no full stop) that ends
    /// with one is a photo credit ("Augusta National/Getty Images").
    static let pictureAgencies = ["getty images", "gettyimages", "shutterstock", "istock", "istockphoto", "imago",
                                  "imago images", "picture alliance", "picture-alliance", "ap photo", "reuters", "afp",
                                  "dpa", "epa", "unsplash", "pixabay", "adobe stock", "alamy", "keystone", "pexels"]

    /// Openings of prompts to subscribe, follow or sign up ("Sign up to our newsletter for …").
    static let callsToAction: [String] = [
        "sign up", "subscribe to", "subscribe now", "join our", "follow us", "download our", "download the", "click here",
        "get the day", "get our", "please enable javascript", "enable javascript", "melden sie sich", "abonnieren sie",
        "jetzt abonnieren", "folgen sie uns", "folge uns", "inscrivez-vous", "abonnez-vous", "suivez-nous",
        "suscríbete", "suscribete", "síguenos", "regístrate", "zapisz się", "obserwuj nas", "iscriviti", "seguici",
        "assine", "siga-nos", "inscreva-se",
    ]

    /// Openings of links back to an overview ("Back to …").
    static let wayBack = ["back to ", "zurück zu", "retour à ", "retour au", "retour aux", "volver a ", "voltar a", "voltar para",
                          "powrót do", "torna a", "terug naar"]

    private static let sectionKeys = Set(sectionLabels.map(fold))
    private static let sectionPrefixes = sectionLabels.map(fold).filter { $0.count >= 8 }
    private static let creditKeys = Set(creditLabels.map(fold))

    /// Whether a block's whole text is such a label or credit line.
    static func matches(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= maximumLength, !text.isEmpty else {
            guard text.unicodeScalars.count <= 160 else { return false }
            let opening = fold(String(text.prefix(40)))
            return callsToAction.contains { opening.hasPrefix($0) } || isCredit(text, folded: nil)
        }
        let folded = fold(text)
        if folded.isEmpty { return false }
        if sectionKeys.contains(folded) { return true }
        if isCredit(text, folded: folded) { return true }
        if text.hasPrefix("©") || folded.hasPrefix("copyright ") { return true }
        if callsToAction.contains(where: { folded.hasPrefix($0) }) { return true }
        // "Back to Gallery", "Zurück zur Übersicht": a way out of the page, not a sentence of it.
        if folded.count <= 40 && wayBack.contains(where: { folded.hasPrefix($0) }) { return true }
        // A long section label with a short tail: "Mehr zum Thema auf example.de", "Lesen Sie auch die folgenden Beiträge:".
        for prefix in sectionPrefixes where folded.hasPrefix(prefix) {
            let tail = folded.dropFirst(prefix.count)
            if tail.first == " " && tail.count <= 28 { return true }
        }
        return false
    }

    /// Words of bylines and date lines besides the date itself (months and weekdays are ``DateWords``').
    static let metaWords: Set<String> = Set("""
        by von par por di door de da le la el der die das und and et y on am um at à a las alle ore uhr h
        updated published posted modified created filed under written last aktualisiert veröffentlicht erstellt
        geändert publié mis jour modifié publicado actualizado publikacja opublikowano zaktualizowano aggiornato
        pubblicato gepubliceerd bijgewerkt date datum fecha data author autor auteur autore staff writer
        editor redaktion reporter min minutes minuten read lesezeit lecture lectura ago vor il hace temu fa
        day days hour hours minute week weeks month months year years tag tagen stunde stunden woche wochen
        jour jours heure heures semaine día días hora horas semana dni dzień godzin godziny
        am pm est edt cst cdt pst pdt gmt utc cet cest mez mesz hst et pt ct
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Words of a relative date ("2 days ago", "vor 3 Stunden", "hace 2 horas", "2 dni temu").
    static let relativeWords: Set<String> = ["ago", "vor", "hace", "temu"]

    /// A line that is a date, a time or a byline with one ("Updated 1:39 am EST, Wednesday,
    /// November 20, 2019", "Von Anna Muster | 18.11.2019, 14:02 Uhr", "Published 2 days ago"): a
    /// clock time, a day, month name and year, a numeric day.month.year or a relative date, and at
    /// most three words besides date words. A bare year ("Prices in 2024") is not a date.
    static func isDateLine(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= 100 else { return false }
        var free = 0, numbers = 0, years = 0
        var hasMonth = false, hasRelative = false, hasClock = false, hasNumericDate = false
        var word = ""
        var digits = 0
        // Runs of digits joined by one separator each ("18.11.2019", "2019-11-18", "11/18/19").
        var numericRun = 0
        var lastSeparator: Unicode.Scalar?
        func finishWord() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            let key = DateTokens.key(lower)
            // "ago" is also a month ("ago" for agosto): a relative word first.
            if relativeWords.contains(lower) {
                hasRelative = true
            } else if DateWords.months[key] != nil {
                hasMonth = true
            } else if lower.count >= 3 && !metaWords.contains(lower) && !DateWords.weekdays.contains(key) {
                free += 1
            }
            word = ""
        }
        func finishNumber() {
            guard digits > 0 else { return }
            numbers += 1
            if digits == 4 { years += 1 }
            numericRun += 1
            if numericRun >= 3 { hasNumericDate = true }
            digits = 0
        }
        for scalar in text.unicodeScalars {
            if ("0"..."9").contains(scalar) {
                finishWord()
                digits += 1
            } else if scalar.properties.isAlphabetic {
                finishNumber()
                numericRun = 0
                word.unicodeScalars.append(scalar)
            } else {
                finishWord()
                let hadDigits = digits > 0
                finishNumber()
                if scalar == ":" && hadDigits { hasClock = true }
                if hadDigits && (scalar == "." || scalar == "/" || scalar == "-") && (lastSeparator == nil || lastSeparator == scalar) {
                    lastSeparator = scalar
                } else if !hadDigits || scalar == " " || scalar == "," {
                    numericRun = hadDigits && (scalar == "." || scalar == "/" || scalar == "-") ? numericRun : 0
                    lastSeparator = nil
                }
            }
        }
        finishWord()
        finishNumber()
        // A month and a day without a year is as often a schedule ("June 26 – Allentown") as a dateline.
        let hasDate = hasClock || hasNumericDate || (hasMonth && years > 0 && numbers > 1) || (hasRelative && numbers > 0)
        return hasDate && free <= 3
    }

    /// A credit or taxonomy line: a known word, a colon, and the rest ("Foto: Ingo Pertramer",
    /// "Themen: Klima, Energie"), or a short line that ends with a picture agency's name.
    private static func isCredit(_ text: String, folded: String?) -> Bool {
        if let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }), text.distance(from: text.startIndex, to: colon) <= 24,
           creditKeys.contains(fold(String(text[..<colon]))) {
            return true
        }
        // Short, and not a sentence ("… declined to comment to Reuters." is one).
        guard text.unicodeScalars.count <= 80, !text.hasSuffix("."),
              text.split(whereSeparator: { $0 == " " }).count <= 6 else { return false }
        let folded = folded ?? fold(text)
        return pictureAgencies.contains { agency in
            folded.hasSuffix(agency) && (folded.count == agency.count || !isLetterOrDigit(folded.unicodeScalars[folded.unicodeScalars.index(folded.unicodeScalars.endIndex, offsetBy: -agency.unicodeScalars.count - 1)]))
        }
    }

    /// Lower-cased, without the punctuation and bullets around a label ("» Weiterlesen:" → "weiterlesen").
    static func fold(_ text: String) -> String {
        let lowered = text.lowercased()
        let trimmed = lowered.unicodeScalars.drop { !isLetterOrDigit($0) }
        var scalars = Array(trimmed)
        while let last = scalars.last, !isLetterOrDigit(last) { scalars.removeLast() }
        var folded = ""
        folded.unicodeScalars.append(contentsOf: scalars)
        return folded
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

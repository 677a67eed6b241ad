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
        "latest news", "latest posts", "follow us", "about the author", "permalink", "back to top",
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
        "über den autor", "über die autorin",
        // French
        "lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "à découvrir", "a découvrir",
        "articles similaires", "articles liés", "sur le même sujet", "dans la même rubrique", "partager",
        "partager cet article", "commentaires", "mots-clés", "mots clés", "permalien", "publicité",
        "les plus lus", "à voir aussi", "article précédent", "article suivant", "imprimer",
        // Spanish
        "lea también", "lee también", "leer más", "ver también", "temas relacionados", "noticias relacionadas",
        "artículos relacionados", "te puede interesar", "también te puede interesar", "te recomendamos",
        "compartir", "comentarios", "etiquetas", "publicidad", "lo más leído", "más noticias",
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
        "najczęściej czytane", "poprzedni artykuł", "następny artykuł", "poprzedni wpis", "następny wpis",
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
    ]

    private static let sectionKeys = Set(sectionLabels.map(fold))
    private static let sectionPrefixes = sectionLabels.map(fold).filter { $0.count >= 8 }
    private static let creditKeys = Set(creditLabels.map(fold))

    /// Whether a block's whole text is such a label or credit line.
    static func matches(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= maximumLength, !text.isEmpty else { return false }
        let folded = fold(text)
        if folded.isEmpty { return false }
        if sectionKeys.contains(folded) { return true }
        // A credit: a known word, a colon, and the credited name ("Foto: Ingo Pertramer").
        if let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }), text.distance(from: text.startIndex, to: colon) <= 24,
           creditKeys.contains(fold(String(text[..<colon]))) {
            return true
        }
        if text.hasPrefix("©") || folded.hasPrefix("copyright ") { return true }
        // A long section label with a short tail: "Mehr zum Thema auf example.de", "Lesen Sie auch die folgenden Beiträge:".
        for prefix in sectionPrefixes where folded.hasPrefix(prefix) {
            let tail = folded.dropFirst(prefix.count)
            if tail.first == " " && tail.count <= 28 { return true }
        }
        return false
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

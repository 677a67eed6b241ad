import ETLKit
import ETLText
import Glibc

/// Short lines that label the furniture around an article rather than say anything: the heading of
/// a "related articles" box ("Mehr zum Thema", "Temas relacionados"), a share or comments prompt,
/// photo and source credits ("Foto: …", "Quelle: …", "… /Getty Images"), taxonomy lines ("Themen: …"),
/// prompts to subscribe or follow, links back to an overview, and date and byline lines
/// (``isDateLine(_:)``). Templates put them inside the article's own container, so a container's
/// score cannot drop them; their words can.
///
/// The lists cover the languages of the web pages `etl` is measured on (English, German, French,
/// Spanish, Portuguese, Italian, Dutch, Polish, Persian, Arabic). A line is matched only when it is
/// short and the phrase is all of it, or all of it but a short tail ("Mehr zum Thema auf example.de"),
/// so a sentence that uses the same words stays.
package enum BoilerplateLine {
    /// The longest line tested, in characters: labels are short; sentences are not labels.
    package static let maximumLength = 64

    /// Labels of sections that are not the article (whole line, up to a short tail).
    package static let sectionLabels: [String] = [
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
        "by", "von", "par", "por", "author", "authors", "autor", "autoren", "auteur", "publish date", "release date", "filed under",
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
        "mehr", "weitere infos unter", "weitere informationen unter", "community", "veröffentlichungsdatum", "erscheinungsdatum",
        // French
        "lire aussi", "à lire aussi", "a lire aussi", "lire la suite", "voir aussi", "à découvrir", "a découvrir",
        "articles similaires", "articles liés", "sur le même sujet", "dans la même rubrique", "partager",
        "partager cet article", "commentaires", "mots-clés", "mots clés", "permalien", "publicité",
        "les plus lus", "à voir aussi", "article précédent", "article suivant", "imprimer", "date de publication",
        // Spanish
        "lea también", "lee también", "leer más", "ver también", "temas relacionados", "noticias relacionadas",
        "artículos relacionados", "te puede interesar", "también te puede interesar", "te recomendamos",
        "compartir", "comentarios", "etiquetas", "publicidad", "lo más leído", "más noticias", "temas", "más",
        "entrada anterior", "entrada siguiente", "siguiente entrada", "artículo anterior", "artículo siguiente",
        "fecha de publicación",
        // Portuguese
        "veja também", "leia também", "leia mais", "saiba mais", "notícias relacionadas", "compartilhe",
        "comentários", "publicidade", "mais lidas", "data de publicação",
        // Italian
        "leggi anche", "potrebbe interessarti", "articoli correlati", "condividi", "commenti", "pubblicità", "data di pubblicazione",
        // Dutch
        "lees ook", "lees meer", "gerelateerde artikelen", "reacties", "delen", "publicatiedatum",
        // Polish
        "czytaj także", "czytaj też", "czytaj więcej", "zobacz też", "zobacz także", "polecamy",
        "podobne artykuły", "powiązane artykuły", "udostępnij", "komentarze", "tagi", "reklama",
        "najczęściej czytane", "więcej", "materiał chroniony prawem", "materiał chroniony prawem autorskim", "poprzedni artykuł", "następny artykuł",
        "poprzedni wpis", "następny wpis", "data publikacji",
        // Persian and Arabic
        "اخبار مرتبط", "مطالب مرتبط", "بیشتر بخوانید", "پربازدیدترین", "آخرین اخبار", "دیدگاه شما", "نظر شما",
        "اقرأ أيضا", "اقرأ أيضاً", "مواضيع ذات صلة", "أخبار ذات صلة",
    ]

    /// Prefixes of credit and source lines, written with a colon ("Foto: dpa", "Source : AFP").
    package static let creditLabels: [String] = [
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
    package static let pictureAgencies = [
        "getty images", "gettyimages", "shutterstock", "istock", "istockphoto", "imago",
        "imago images", "picture alliance", "picture-alliance", "ap photo", "reuters", "afp",
        "dpa", "epa", "unsplash", "pixabay", "adobe stock", "alamy", "keystone", "pexels",
    ]

    /// Openings of prompts to subscribe, follow, sign up, become a member, write to the editors or
    /// discover more of the site ("Sign up to our newsletter for …", "Hazte miembro y disfruta de …",
    /// "For the latest news download our app", "Submit your letter to the editor via this form",
    /// "Entdecke weitere Homestorys"), of the explanation of a button of the page
    /// ("Mit diesem Button kannst Du …"), and of the prompt to log in that stands where readers'
    /// comments would ("You must be logged in to post a comment", "Du musst eingeloggt sein, um
    /// Kommentare zu schreiben").
    package static let callsToAction: [String] = [
        "sign up", "subscribe to", "subscribe now", "join our", "follow us", "download our", "download the", "click here",
        "get the day", "get our", "please enable javascript", "enable javascript", "melden sie sich", "abonnieren sie",
        "jetzt abonnieren", "folgen sie uns", "folge uns", "inscrivez-vous", "abonnez-vous", "suivez-nous",
        "suscríbete", "suscribete", "síguenos", "regístrate", "zapisz się", "obserwuj nas", "iscriviti", "seguici",
        "assine", "siga-nos", "inscreva-se",
        // Become a member.
        "become a member", "werden sie mitglied", "werde mitglied", "devenez membre", "hazte miembro", "hazte socio",
        "torne-se membro", "seja membro", "diventa socio", "diventa membro", "word lid", "zostań członkiem",
        // The latest news, in an app or a newsletter.
        "for the latest news", "for the latest stories", "for the latest updates", "get the latest news",
        "get the latest stories", "get the latest updates", "für die neuesten nachrichten", "pour les dernières nouvelles",
        "para las últimas noticias", "para as últimas notícias", "per le ultime notizie", "voor het laatste nieuws",
        // Discover more of the site.
        "entdecke weitere", "entdecken sie weitere", "discover more", "explore more", "découvrez d'autres", "découvrez plus",
        "descubre más", "descubra mais", "scopri altri", "scopri di più", "ontdek meer", "odkryj więcej",
        "never miss a story", "never miss an update",
        // Write to the editors.
        "submit your letter", "send us your letter", "write to us", "schreiben sie uns", "schreib uns", "écrivez-nous",
        "escríbenos", "escríbanos", "escreva-nos", "scrivici", "schrijf ons", "napisz do nas",
        // What a button of the page does.
        "mit diesem button", "mit diesem knopf", "with this button", "use this button", "avec ce bouton", "con este botón",
        "com este botão", "con questo pulsante", "met deze knop", "tym przyciskiem", "za pomocą tego przycisku",
        // Log in to comment.
        "you must be logged in", "you need to be logged in", "you must log in", "du musst eingeloggt", "du musst angemeldet",
        "sie müssen eingeloggt", "sie müssen angemeldet", "vous devez être connecté", "vous devez être identifié",
        "debes iniciar sesión", "debes estar registrado", "tienes que iniciar sesión", "você precisa estar logado",
        "você deve estar logado", "devi essere connesso", "devi effettuare il login", "je moet ingelogd zijn",
        "u moet ingelogd zijn", "musisz być zalogowany", "musisz się zalogować",
    ]

    /// Endings of short lines that are labels or prompts whatever comes first: labels that introduce
    /// more on the article's subject ("Das Buch & der Online-Lehrgang zum Thema", "Ansprechpartnerin
    /// zum Thema:", "Audios et vidéos sur le sujet"; the subject is the article's, so the line names
    /// what comes next, other pages or a contact), and a newsletter's promise or sign-up link ("Du
    /// willst nichts mehr verpassen?", "… Sign up here"). Short lines only, without a full stop; a
    /// sentence ("… eine Veranstaltung zum Thema „Pädagogik“.") goes on after the phrase or ends
    /// like one.
    package static let labelEndings = [
        " zum thema", " on this topic", " on the topic", " sur le sujet", " sur ce sujet", " sobre el tema", " sobre este tema",
        " sobre o tema", " sobre este assunto", " sul tema", " su questo tema", " over dit onderwerp", " na ten temat",
        // The promise of a newsletter that ends its prompt ("Du willst nichts mehr verpassen?", "2023 nichts mehr versäumen!").
        " nichts mehr verpassen", " nichts mehr versäumen", " nichts verpassen", " ne manquez rien", " ne ratez rien",
        " no te pierdas nada", " não perca nada", " non perderti nulla", " mis niets meer", " niczego nie przegap",
        " never miss a thing",
        // The sign-up link that ends a newsletter's question ("Do you want to be informed of our actions? Sign up here").
        " sign up here", " sign up now", " subscribe here", " hier anmelden", " jetzt anmelden", " hier abonnieren",
        " inscrivez-vous ici", " regístrate aquí", " suscríbete aquí", " inscreva-se aqui", " iscriviti qui", " iscriviti ora",
        " meld je hier aan", " zapisz się tutaj",
    ]
    private static let labelSuffixes = labelEndings.map { Array($0.utf8) }

    /// Links that lead on to the rest of a story (a teaser's last words, see
    /// ``ContentSelection/endsWithReadMore(_:_:)``).
    package static let readOn = [
        "read more", "more", "continue reading", "read on", "full story", "weiterlesen", "mehr", "mehr lesen", "zum artikel",
        "lire la suite", "lire plus", "la suite", "suite", "leer más", "seguir leyendo", "ver más", "leia mais", "continue lendo",
        "continua a leggere", "leggi tutto", "leggi di più", "lees meer", "verder lezen", "czytaj więcej", "czytaj dalej",
        "więcej", "ادامه مطلب", "بیشتر بخوانید", "اقرأ المزيد",
    ]
    private static let readOnKeys = Set(readOn.map(key))

    /// Whether a link's text is one of ``readOn``, marks aside ("[więcej]", "Weiterlesen »").
    package static func isReadOn(_ linkText: ArraySlice<UInt8>) -> Bool {
        readOnKeys.contains(foldedBytes(linkText))
    }

    /// Openings of links back to an overview ("Back to …") or on to another part of the site ("…
    /// weiter zu „Die Wortwahl“", "Skip to content"). Not "go to" or "continue to": instructions
    /// of a how-to or a recipe open with them ("Continue to stir for two minutes").
    package static let wayBack = [
        "back to ", "zurück zu", "retour à ", "retour au", "retour aux", "volver a ", "voltar a", "voltar para",
        "powrót do", "torna a", "terug naar",
        "skip to ", "jump to ", "weiter zu", "aller au ", "aller à ", "ir al ", "ir a la ", "vai a ", "vai al ", "ga naar ",
        "ga verder naar", "przejdź do",
    ]

    // Folded once, as bytes: the tests below run on every short block of the main content.
    private static func key(_ label: String) -> [UInt8] { foldedBytes(Array(label.utf8)[...]) }
    private static let sectionKeys = Set(sectionLabels.map(key))
    private static let sectionPrefixes = sectionLabels.map(key).filter { $0.count >= 8 }
    private static let creditKeys = Set(creditLabels.map(key))
    private static let callPrefixes = callsToAction.map(key)
    private static let wayBackPrefixes = wayBack.map { Array($0.utf8) }
    private static let agencySuffixes = pictureAgencies.map { Array($0.utf8) }
    private static let copyright = Array("copyright ".utf8)

    /// Whether a block's whole text is such a label or credit line; `characters` is its length in
    /// characters (the caller knows it).
    package static func matches(_ text: String, characters: Int) -> Bool {
        guard characters > 0, characters <= 160 else { return false }
        let bytes = Array(text.utf8)
        if characters > maximumLength {
            // Long for a label: only a prompt, a credit, or a label with a remark in brackets.
            let opening = foldedBytes(bytes.prefix(60))
            return callPrefixes.contains { opening.starts(with: $0) } || isCredit(bytes, characters: characters, folded: nil)
                || isLabelWithRemark(bytes) || isFileLink(bytes, characters: characters) || isZoomCaption(bytes)
        }
        let folded = foldedBytes(bytes[...])
        if folded.isEmpty { return false }
        if sectionKeys.contains(folded) || isLabelWithRemark(bytes) { return true }
        if isCredit(bytes, characters: characters, folded: folded) { return true }
        if text.hasPrefix("©") || folded.starts(with: copyright) { return true }
        if isFileLink(bytes, characters: characters) || isHostName(bytes) || isZoomCaption(bytes) { return true }
        if callPrefixes.contains(where: { folded.starts(with: $0) }) { return true }
        if bytes.last != 0x2E && labelSuffixes.contains(where: { folded.count > $0.count && folded.suffix($0.count).elementsEqual($0) }) {
            return true
        }
        // "Back to Gallery", "Zurück zur Übersicht": a way out of the page, not a sentence of it.
        if characters <= 40 && wayBackPrefixes.contains(where: { folded.starts(with: $0) }) { return true }
        // A long section label with a short tail: "Mehr zum Thema auf example.de", "Lesen Sie auch die folgenden Beiträge:".
        for prefix in sectionPrefixes where folded.count > prefix.count && folded[prefix.count] == 0x20 && folded.starts(with: prefix) {
            if folded.count - prefix.count <= 30 { return true }
        }
        return false
    }

    /// Formats of files a page links to for download.
    package static let fileFormats: Set<String> = ["pdf", "epub", "mobi", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ppt", "pptx", "zip", "mp3"]

    /// ``fileFormats`` as patterns for the first look at a line.
    private static let formatNames = BytePatternSet(Array(fileFormats))

    /// Words that offer a file for download, in the languages of ``sectionLabels``.
    package static let downloadWords: Set<String> = [
        "download", "downloads", "herunterladen", "runterladen", "télécharger", "téléchargez", "descargar", "descarga",
        "baixar", "baixe", "scarica", "scaricare", "downloaden", "pobierz",
    ]

    /// Units of a file's size ("PDF | 38 KB", "(PDF, 1,2 MB)").
    private static let sizeUnits: Set<String> = ["kb", "mb", "gb", "kib", "mib", "ko", "mo", "bytes"]

    /// A link to a file, not a sentence (no full stop at the end): a format with a word that offers
    /// it for download in a line of a label's length ("Dieses Skript als PDF herunterladen",
    /// "Télécharger au format EPUB"), or a format with its size right after it, up to the caller's
    /// limit ("Informationsschreiben vom 14. Oktober 2021PDF | 38 KB | Datei ist nicht barrierefrei").
    /// A sentence that names a format ("Ein Blick in das Inhaltsverzeichnis (PDF) zeigt …") has neither.
    private static func isFileLink(_ bytes: [UInt8], characters: Int) -> Bool {
        guard bytes.last != 0x2E else { return false }
        // Words of ASCII letters, digits and non-ASCII bytes ("télécharger" is one), lower-cased; a
        // comma after a digit stays in the number ("1,4").
        let lowered = ByteSearch.asciiLowercased(bytes)
        // Most lines name no format: one scan of their bytes says so before any word is made.
        guard formatNames.matches(lowered) else { return false }
        var words: [String] = []
        var word: [UInt8] = []
        for byte in lowered + [0x20] {
            if byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2C && !word.isEmpty
                    && word.last.map({ $0 >= 0x30 && $0 <= 0x39 }) == true
            {
                word.append(byte)
            } else if !word.isEmpty {
                words.append(String(decoding: word, as: UTF8.self))
                word = []
            }
        }
        // "2021pdf": a format glued to the text before it (the link's label and its format in two elements).
        func format(_ word: String) -> Bool { fileFormats.contains { word == $0 || (word.hasSuffix($0) && word.count > $0.count + 2) } }
        for (index, word) in words.enumerated() where format(word) {
            if characters <= maximumLength && words.contains(where: downloadWords.contains) { return true }
            // Its size: a number, then a unit.
            if index + 2 < words.count, words[index + 1].first?.isNumber == true, sizeUnits.contains(words[index + 2]) { return true }
        }
        return false
    }

    /// The label of a picture's zoom button, read before its caption ("Vergrößern Eine kleine runde
    /// Aussparung …" from `<a>Vergrößern</a><figcaption>…`).
    package static let zoomLabels = [
        "vergrößern", "bild vergrößern", "enlarge", "enlarge image", "agrandir", "ampliar", "ingrandisci", "vergroten", "powiększ",
    ]
    private static let zoomPrefixes = zoomLabels.map { Array($0.utf8) + [0x20] }
    private static let politeYou = Array("Sie ".utf8)

    /// A caption after its zoom button's label, up to the caller's limit: the label, then a word that
    /// starts with a capital (the caption's first). An instruction ("Vergrößern Sie das Bild …",
    /// "Enlarge the photo …") goes on with "Sie" or a small letter.
    private static func isZoomCaption(_ bytes: [UInt8]) -> Bool {
        let opening = ByteSearch.asciiLowercased(bytes.prefix(20))
        guard let prefix = zoomPrefixes.first(where: { opening.starts(with: $0) }), bytes.count > prefix.count else { return false }
        let rest = bytes[prefix.count...]
        guard let first = rest.first, !rest.starts(with: politeYou) else { return false }
        // An ASCII capital, or a Latin-1 one (C3 80–9E: "Ä", "É", "Ö").
        return (first >= 0x41 && first <= 0x5A) || (first == 0xC3 && rest.count > 1 && rest[rest.startIndex + 1] <= 0x9E)
    }

    /// Top-level domains of the sites of the languages of ``sectionLabels``, and the generic ones.
    package static let topLevelDomains: Set<String> = [
        "com", "net", "org", "info", "news", "eu", "io", "co", "uk", "us", "ca", "au", "de", "at", "ch", "fr", "be", "es",
        "mx", "ar", "cl", "pt", "br", "it", "nl", "pl", "ir", "ae", "sa", "eg",
    ]

    /// A line that is one host name ("BVINEWS.COM", "example.de"): the text of a site's logo or a
    /// link to it, not a sentence. Letters, digits, hyphens and dots only, ending with a dot and one
    /// of ``topLevelDomains``; a file or an identifier of code ("bookmarks.el",
    /// "android.permission.CAMERA") ends otherwise.
    private static func isHostName(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4, bytes.count <= 40, let dot = bytes.lastIndex(of: 0x2E), dot > 0 else { return false }
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
        let domain = ByteSearch.asciiLowercased(bytes[(dot + 1)...])
        guard topLevelDomains.contains(String(decoding: domain, as: UTF8.self)) else { return false }
        return bytes[..<dot].allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
    }

    /// A section label with a remark in brackets after it, of any length up to the caller's limit:
    /// "Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)", "Comments (closed)".
    /// The label before " (" must be a whole one of ``sectionLabels``; a sentence never is.
    private static func isLabelWithRemark(_ bytes: [UInt8]) -> Bool {
        guard bytes.last == 0x29, let open = bytes.firstIndex(of: 0x28), open > 0, bytes[open - 1] == 0x20 else { return false }
        return sectionKeys.contains(foldedBytes(bytes[..<open]))
    }

    /// A picture's caption with its credit at the end ("Lee Elder beim Masters 1975. | © Augusta
    /// National/Getty Images", "Foto © Peter Steiger"): a block of up to 300 characters whose last
    /// "©" is followed by a name (six words at most, no sentence, not ending like one or like a
    /// label). A copyright notice that says more ("© 2018 by … Used with permission.") is not one.
    package static func endsWithCredit(_ text: String, characters: Int) -> Bool {
        // The byte A9 ends "©" (and "é", "ĩ", …): most blocks have none and are done with here.
        guard characters <= 300 else { return false }
        // memchr on the string's own bytes: `utf8.contains` stepped through them one by one.
        let hasA9 =
            text.utf8.withContiguousStorageIfAvailable { bytes in bytes.baseAddress.map { memchr($0, 0xA9, bytes.count) != nil } ?? false }
            ?? text.utf8.contains(0xA9)
        guard hasA9 else { return false }
        let bytes = Array(text.utf8)
        // The last "©" (C2 A9).
        var index = bytes.count - 2
        while index >= 0 && !(bytes[index] == 0xC2 && bytes[index + 1] == 0xA9) { index -= 1 }
        guard index >= 0 else { return false }
        let tail = bytes[(index + 2)...].drop { $0 == 0x20 }
        guard let last = tail.last, !tail.isEmpty, tail.count <= 60 else { return false }
        if last == 0x3A || last == 0x2E || last == 0x21 || last == 0x3F { return false }
        var spaces = 0
        var previous: UInt8 = 0
        for byte in tail {
            if byte == 0x20 {
                spaces += 1
                if previous == 0x2E { return false }
            }
            previous = byte
        }
        return spaces <= 5
    }

    /// A credit or taxonomy line: a known word, a colon, and the rest ("Foto: Ingo Pertramer",
    /// "Themen: Klima, Energie"), or a short line that ends with a picture agency's name.
    private static func isCredit(_ bytes: [UInt8], characters: Int, folded: [UInt8]?) -> Bool {
        // A colon (or a full-width one) in the first 40 bytes, after a known word.
        var index = 0
        while index < min(bytes.count, 40) {
            if bytes[index] == 0x3A || (bytes[index] == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBC && bytes[index + 2] == 0x9A) {
                if index > 0 && creditKeys.contains(foldedBytes(bytes[..<index])) { return true }
                break
            }
            index += 1
        }
        // Short, and not a sentence ("… declined to comment to Reuters." is one).
        guard characters <= 80, bytes.last != 0x2E, bytes.lazy.filter({ $0 == 0x20 }).count <= 5 else { return false }
        let folded = folded ?? foldedBytes(bytes[...])
        return agencySuffixes.contains { agency in
            guard folded.count >= agency.count, folded.suffix(agency.count).elementsEqual(agency) else { return false }
            guard folded.count > agency.count else { return true }
            let before = folded[folded.count - agency.count - 1]
            return !(before >= 0x61 && before <= 0x7A) && !(before >= 0x30 && before <= 0x39) && before < 0x80
        }
    }

    /// A label as compared ("» Weiterlesen:" → "weiterlesen"), on UTF-8 bytes, without making a
    /// `String`: ASCII and Latin-1 capitals made small,
    /// ASCII punctuation and the common typographic marks (« » – — … • “ ” › and the like) trimmed
    /// from both ends. Capitals beyond Latin-1 stay as they are; no label starts with one.
    package static func foldedBytes(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, let length = markLength(bytes, at: start) { start += length }
        while start < end {
            // Step back to the first byte of the last character.
            var first = end - 1
            while first > start && bytes[first] & 0xC0 == 0x80 { first -= 1 }
            guard let length = markLength(bytes, at: first), first + length == end else { break }
            end = first
        }
        var folded: [UInt8] = []
        folded.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 0x41 && byte <= 0x5A {
                folded.append(byte | 0x20)
            } else if byte == 0xC3 && index + 1 < end && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0x9E && bytes[index + 1] != 0x97 {
                folded.append(0xC3)
                folded.append(bytes[index + 1] + 0x20)  // À–Þ (but ×) → à–þ
                index += 1
            } else {
                folded.append(byte)
            }
            index += 1
        }
        return folded
    }

    /// The length of a punctuation mark at `index` (ASCII non-alphanumerics, U+0080–00BF, U+2000–2BFF), or nil.
    private static func markLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        let byte = bytes[index]
        if byte < 0x80 {
            let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            return isWord ? nil : 1
        }
        if byte == 0xC2 { return 2 }
        if byte == 0xE2 && index + 1 < bytes.endIndex && bytes[index + 1] >= 0x80 && bytes[index + 1] <= 0xAF { return 3 }
        return nil
    }

    /// Words of bylines and date lines besides the date itself (months and weekdays are ``DateWords``').
    package static let metaWords: Set<String> = Set(
        """
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
    package static let relativeWords: Set<String> = ["ago", "vor", "hace", "temu"]

    /// A line that is a date, a time or a byline with one ("Updated 1:39 am EST, Wednesday,
    /// November 20, 2019", "Von Anna Muster | 18.11.2019, 14:02 Uhr", "Published 2 days ago"): a
    /// clock time, a day, month name and year, a numeric day.month.year or a relative date, and at
    /// most three words besides date words. A bare year ("Prices in 2024") is not a date.
    package static func isDateLine(_ text: String) -> Bool {
        // Every form needs a digit: most short lines have none, and are done with here.
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        var free = 0
        var numbers = 0
        var years = 0
        var hasMonth = false
        var hasRelative = false
        var hasClock = false
        var hasNumericDate = false
        var word = ""
        var digits = 0
        // Runs of digits joined by one separator each ("18.11.2019", "2019-11-18", "11/18/19"), with
        // the digit counts of their last three numbers.
        var numericRun = 0
        var partDigits = (0, 0, 0)
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
            partDigits = (partDigits.1, partDigits.2, digits)
            if numericRun >= 3 && Self.isNumericDate(partDigits) { hasNumericDate = true }
            digits = 0
        }
        for scalar in text.unicodeScalars {
            if ("0"..."9").contains(scalar) {
                finishWord()
                digits += 1
            } else if scalar.isASCII ? (scalar.value | 0x20 >= 0x61 && scalar.value | 0x20 <= 0x7A) : scalar.properties.isAlphabetic {
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

    /// Whether three numbers of these digit counts can be a written date: day and month of one or two
    /// digits with a year of two or four after them ("18.11.2019", "5/6/22"), or a year of four
    /// first ("2019-11-18"). A phone number ("+81 158-23-2012") or a version ("1.10.100", "0.0.0")
    /// is not one.
    package static func isNumericDate(_ digits: (Int, Int, Int)) -> Bool {
        let short = 1...2
        return (short.contains(digits.0) && short.contains(digits.1) && (digits.2 == 2 || digits.2 == 4))
            || (digits.0 == 4 && short.contains(digits.1) && short.contains(digits.2))
    }

}

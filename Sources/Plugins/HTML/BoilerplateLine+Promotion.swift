import ETLKit
import ETLText

extension BoilerplateLine {
    /// The longest promotion tested, in characters: a prompt is a sentence or two.
    package static let maximumPromotionLength = 240

    /// Channels a site sends its readers to: social networks, messengers, app stores, its apps.
    /// Not "app" or "podcast": articles name those often, and promote their own podcasts in the text.
    package static let channels: Set<String> = [
        "twitter", "instagram", "facebook", "telegram", "youtube", "whatsapp", "tiktok", "linkedin", "pinterest",
        "mastodon", "bluesky", "snapchat", "ios", "android", "apps",
    ]

    /// ``channels`` as patterns for the first look at a block.
    private static let channelNames = BytePatternSet(Array(channels))

    /// Imperatives that send the reader to a channel (follow, join, subscribe, download, look), in
    /// the languages of ``sectionLabels``. Not "our" (a site quotes its own Twitter box in a post),
    /// not "get" or "watch" (an Apple Watch, "to get the tattoo").
    package static let readerCues: Set<String> = [
        "follow", "join", "download", "subscribe",
        "folgen", "folge", "folgt", "abonniere", "abonnieren", "abonniert", "laden", "lade",
        "suivez", "rejoignez", "téléchargez", "abonnez",
        "síguenos", "síganos", "sigue", "siga", "únete", "descarga", "descargue", "mira", "suscríbete", "baixe",
        "seguici", "segui", "scarica", "volg",
        "obserwuj", "dołącz", "pobierz", "subskrybuj",
    ]

    /// A prompt to follow the site elsewhere ("Follow The Gleaner on Twitter and Instagram …",
    /// "¿Ya sabías…? Únete a nuestro canal de Telegram", "Folgen Sie uns auf Instagram"): a short block
    /// that names a channel and opens a sentence with an imperative to go there. News about a
    /// network ("Twitter said it would follow the rules") has the same words elsewhere, and stays.
    package static func isPromotion(_ text: String, characters: Int) -> Bool {
        guard characters <= maximumPromotionLength else { return false }
        // Most blocks name no channel: a scan of their bytes, lower-cased as it goes, says so before
        // any word is read (reading characters one by one cost 3% of a page's time).
        guard channelNames.matches(ignoringASCIICase: text) else { return false }
        var namesChannel = false
        var sendsThere = false
        // Whether the next word opens a sentence (or a clause after a colon).
        var opensSentence = true
        var word = ""
        func finishWord() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            if channels.contains(lower) { namesChannel = true }
            if opensSentence && readerCues.contains(lower) { sendsThere = true }
            opensSentence = false
            word = ""
        }
        for character in text {
            if character.isLetter {
                word.append(character)
            } else {
                finishWord()
                if ".!?:¡¿".contains(character) { opensSentence = true }
            }
        }
        finishWord()
        return namesChannel && sendsThere
    }
}

extension BoilerplateLine {
    /// Statements of a site about itself, in the languages of ``sectionLabels``: that a page
    /// advertises or earns from its links, said outright ("this post contains affiliate links", "we
    /// may receive compensation"), so an article about advertising, which names the words but does
    /// not declare its own, keeps its sentences (not a bare "affiliate" or "commission": news uses
    /// both); and notices on the content of "this website" (its licence, its disclaimer), which an
    /// article about a site calls by its name.
    package static let disclosures: [String] = [
        // English
        "contains affiliate link", "contains paid advertising", "we may receive compensation", "we may receive a commission",
        "we may earn a commission", "we may earn a small commission", "advertiser disclosure", "advertising disclosure",
        "as an amazon associate", "amazon associates disclosure",
        // German
        "enthält werbung", "enthält affiliate", "handelt es sich um affiliate", "als amazon-partner verdiene",
        "erhalten wir eine provision", "erhalten wir ggf. eine provision",
        // French
        "contient des liens affiliés", "contient des liens d'affiliation", "nous pouvons percevoir une commission",
        "nous percevons une commission",
        // Spanish
        "contiene enlaces de afiliado", "contiene enlaces afiliados", "podemos recibir una comisión", "recibimos una comisión",
        // Portuguese
        "contém links de afiliado", "contém links afiliados", "podemos receber uma comissão", "recebemos uma comissão",
        // Italian
        "contiene link di affiliazione", "contiene link affiliati", "potremmo ricevere una commissione",
        "riceviamo una commissione",
        // Dutch
        "bevat affiliate links", "bevat affiliate-links", "ontvangen wij een commissie", "ontvangen we een commissie",
        // Polish
        "zawiera linki afiliacyjne", "zawiera linki partnerskie", "możemy otrzymać prowizję", "otrzymujemy prowizję",
        // The content of this website.
        "content on this website", "content of this website", "content on this site", "content of this site",
        "inhalte dieser website", "inhalte dieser webseite", "inhalte dieser seite", "contenu de ce site", "contenus de ce site",
        "contenido de este sitio", "contenidos de este sitio", "conteúdo deste site", "contenuti di questo sito",
        "inhoud van deze website", "treści zamieszczone na tej stronie",
    ]

    /// ``disclosures`` as patterns, compared with the block's bytes with ASCII capitals made small.
    private static let disclosurePhrases = BytePatternSet(disclosures)

    /// An advertising or affiliate disclosure or a notice on the site's content ("*Werbung. Dieser
    /// Beitrag enthält Werbung für …", "Bei den Verlinkungen handelt es sich um Affiliate Links", "We
    /// recommend the best products … We may receive compensation …", "Sofern nicht anders
    /// ausgewiesen, stehen Inhalte dieser Website unter CC-BY"): a short block, a sentence or two,
    /// that holds one of ``disclosures``. A long paragraph that mentions one is read as prose.
    package static func isDisclosure(_ text: String, characters: Int) -> Bool {
        guard characters <= maximumPromotionLength else { return false }
        return disclosurePhrases.matches(ignoringASCIICase: text)
    }
}

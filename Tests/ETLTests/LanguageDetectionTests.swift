import ETLKit
import ETLText
import Foundation
import Testing

@testable import ETLPlugins

/// The language of a page from its text, and when the text overrules the markup (texts made up here).
@Suite struct LanguageDetectionTests {
    static let texts: [(String, String)] = [
        (
            "en",
            "The city council approved the new budget on Tuesday after a long debate about the cost of public transport. The mayor said that the plan will help families who have been waiting for better bus lines, but critics warned that the money would not be enough for the repairs that are needed in the older districts of the city."
        ),
        (
            "de",
            "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen. Die Bürgermeisterin sagte, dass der Plan den Familien helfen wird, die seit Jahren auf bessere Busverbindungen warten. Kritiker warnten aber, das Geld reiche nicht für die Reparaturen, die in den älteren Vierteln der Stadt nötig sind, und die Opposition will noch einmal abstimmen."
        ),
        (
            "fr",
            "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur le coût des transports publics. La maire a déclaré que le plan aidera les familles qui attendent depuis des années de meilleures lignes de bus, mais les critiques estiment que cet argent ne suffira pas pour les réparations dont les quartiers anciens de la ville ont besoin."
        ),
        (
            "es",
            "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre el coste del transporte público. La alcaldesa dijo que el plan ayudará a las familias que llevan años esperando mejores líneas de autobús, pero los críticos advirtieron que el dinero no será suficiente para las reparaciones que necesitan los barrios más antiguos de la ciudad."
        ),
        (
            "pl",
            "Rada miasta przyjęła we wtorek nowy budżet po długiej debacie o kosztach transportu publicznego. Prezydent miasta powiedziała, że plan pomoże rodzinom, które od lat czekają na lepsze linie autobusowe, ale krytycy ostrzegają, że pieniędzy nie wystarczy na remonty, których potrzebują starsze dzielnice miasta. Radni mają się jeszcze spotkać w tej sprawie."
        ),
        (
            "it",
            "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un lungo dibattito sul costo dei trasporti pubblici. La sindaca ha detto che il piano aiuterà le famiglie che da anni aspettano linee di autobus migliori, ma i critici hanno avvertito che i soldi non saranno sufficienti per le riparazioni di cui hanno bisogno i quartieri più vecchi della città."
        ),
        (
            "nl",
            "De gemeenteraad heeft dinsdag na een lang debat over de kosten van het openbaar vervoer de nieuwe begroting goedgekeurd. De burgemeester zei dat het plan de gezinnen zal helpen die al jaren wachten op betere buslijnen, maar critici waarschuwen dat het geld niet genoeg is voor de reparaties die in de oudere wijken van de stad nodig zijn."
        ),
        (
            "pt",
            "A câmara municipal aprovou na terça-feira o novo orçamento depois de um longo debate sobre o custo dos transportes públicos. A presidente disse que o plano vai ajudar as famílias que esperam há anos por melhores linhas de autocarro, mas os críticos avisaram que o dinheiro não será suficiente para as obras de que precisam os bairros mais antigos da cidade."
        ),
        (
            "tr",
            "Belediye meclisi salı günü yeni bütçeyi onayladı ve bu karar çok tartışıldı. Başkan, planın daha iyi otobüs hatları için bekleyen ailelere yardım edeceğini söyledi. Eleştirmenler ise bu paranın eski mahalleler için yeterli olmayacağını ve onarımların daha uzun süreceğini belirtti. Meclis konuyu bir kez daha ele alacak ve sonuç sonra açıklanacak, ancak muhalefet bu planı kabul etmiyor gibi görünüyor."
        ),
        (
            "fa",
            "شورای شهر روز سه‌شنبه پس از بحثی طولانی درباره هزینه حمل و نقل عمومی بودجه جدید را تصویب کرد. شهردار گفت که این طرح به خانواده‌هایی که سال‌ها در انتظار خطوط بهتر اتوبوس بوده‌اند کمک می‌کند، اما منتقدان هشدار دادند که این پول برای تعمیراتی که محله‌های قدیمی شهر به آن نیاز دارند کافی نخواهد بود."
        ),
        (
            "ar",
            "وافق مجلس المدينة يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل حول تكلفة النقل العام. وقال رئيس البلدية إن الخطة ستساعد الأسر التي تنتظر منذ سنوات خطوط حافلات أفضل، لكن المنتقدين حذروا من أن هذا المال لن يكون كافيا للإصلاحات التي تحتاج إليها الأحياء القديمة في المدينة."
        ),
        (
            "ru",
            "Городской совет во вторник после долгого обсуждения стоимости общественного транспорта утвердил новый бюджет. Мэр заявила, что план поможет семьям, которые годами ждут лучших автобусных маршрутов, но критики предупредили, что этих денег не хватит на ремонт в старых районах города."
        ),
        (
            "uk",
            "Міська рада у вівторок після тривалого обговорення вартості громадського транспорту затвердила новий бюджет. Мер заявила, що план допоможе родинам, які роками чекають на кращі автобусні маршрути, але критики попередили, що цих грошей не вистачить на ремонт у старих районах міста."
        ),
        ("el", "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη τον νέο προϋπολογισμό μετά από μακρά συζήτηση για το κόστος των δημόσιων συγκοινωνιών."),
        ("he", "מועצת העיר אישרה ביום שלישי את התקציב החדש לאחר דיון ארוך על עלות התחבורה הציבורית."),
        ("zh", "市议会周二在就公共交通费用进行长时间辩论后批准了新预算。市长表示该计划将帮助多年来一直等待更好公交线路的家庭。"),
        ("ja", "市議会は火曜日、公共交通の費用について長い議論の後、新しい予算を承認した。市長は、この計画がより良いバス路線を待っている家族を助けると述べた。"),
        ("ko", "시의회는 화요일 대중교통 비용에 대한 긴 토론 끝에 새 예산을 승인했다. 시장은 이 계획이 더 나은 버스 노선을 기다려 온 가족들에게 도움이 될 것이라고 말했다."),
        ("hi", "नगर परिषद ने मंगलवार को सार्वजनिक परिवहन की लागत पर लंबी बहस के बाद नया बजट मंज़ूर किया। महापौर ने कहा कि यह योजना उन परिवारों की मदद करेगी।"),
        ("bn", "নগর পরিষদ মঙ্গলবার গণপরিবহনের খরচ নিয়ে দীর্ঘ বিতর্কের পর নতুন বাজেট অনুমোদন করেছে।"),
    ]

    @Test(arguments: texts)
    func eachLanguageIsToldFromItsText(language: String, text: String) {
        let guess = TextLanguage.guess(text)
        #expect(guess?.language == language, "\(String(describing: guess))")
        #expect(guess?.isConfident == true)
        #expect(TextLanguage.resolve(declared: nil, text: text) == language)
        // The markup agreeing, or naming a region, changes nothing.
        #expect(TextLanguage.resolve(declared: "\(language)-XX", text: text) == language)
    }

    static func text(_ language: String) -> String {
        texts.first { $0.0 == language }?.1 ?? ""
    }

    @Test func aDeclaredLanguageLosesOnlyToADecisiveText() {
        // A template's lang="en" over German, Polish or Persian text.
        #expect(TextLanguage.resolve(declared: "en", text: Self.text("de")) == "de")
        #expect(TextLanguage.resolve(declared: "en-US", text: Self.text("pl")) == "pl")
        #expect(TextLanguage.resolve(declared: "en", text: Self.text("fa")) == "fa")
        #expect(TextLanguage.resolve(declared: "de", text: Self.text("en")) == "en")
        // Persian and Arabic share a script: the words decide.
        #expect(TextLanguage.resolve(declared: "ar", text: Self.text("fa")) == "fa")
        #expect(TextLanguage.resolve(declared: "fa", text: Self.text("ar")) == "ar")
        // Too few words: the markup stays.
        #expect(TextLanguage.resolve(declared: "en", text: "Der Stadtrat hat den Haushalt beschlossen, sagte die Bürgermeisterin.") == "en")
        // A language without stop words here keeps its tag; so does a language of two scripts.
        let finnish =
            "Kaupunginvaltuusto hyväksyi tiistaina uuden talousarvion pitkän keskustelun jälkeen. Pormestari sanoi, että suunnitelma auttaa perheitä, jotka ovat odottaneet parempia bussilinjoja jo vuosia, mutta arvostelijat varoittivat, että rahat eivät riitä vanhojen kaupunginosien korjauksiin. Valtuusto palaa asiaan vielä ensi kuussa ja päättää silloin lopullisesti rahoituksesta."
        #expect(TextLanguage.resolve(declared: "fi", text: finnish) == "fi")
        #expect(TextLanguage.resolve(declared: nil, text: finnish) == nil)
        #expect(TextLanguage.resolve(declared: "sr", text: Self.text("ru")) == "sr")
        // Nothing declared and nothing clear.
        #expect(TextLanguage.resolve(declared: nil, text: "Some English text.") == nil)
        #expect(TextLanguage.resolve(declared: "und", text: Self.text("es")) == "es")
    }

    @Test func shortArabicScriptTextsAreToldByTheirLetters() {
        #expect(TextLanguage.resolve(declared: nil, text: "گزارش ویژه پژوهشگران") == "fa")
        #expect(TextLanguage.resolve(declared: nil, text: "مدينة القاهرة الجديدة") == "ar")
    }

    // MARK: Through the cleaner and the extractor

    let cleaner = try! HTMLCleaner(options: PluginOptions())
    let extractor = try! ArticleExtractor(options: PluginOptions())

    func language(html: String, url: String = "https://www.example.com/story") throws -> JSONValue? {
        extractor.extract(page: try cleaner.page(from: html, url: url), url: url)["language"]
    }

    @Test func theExtractorUsesTheTextWhenTheMarkupIsMissingOrWrong() throws {
        let german = "<div class=\"content\"><p>\(Self.text("de"))</p></div>"
        #expect(try language(html: "<html lang=\"en\"><body><h1>Haushalt</h1>\(german)</body></html>") == "de")
        #expect(try language(html: "<html><body><h1>Haushalt</h1>\(german)</body></html>") == "de")
        #expect(try language(html: "<html lang=\"de-DE\"><body><h1>Haushalt</h1>\(german)</body></html>") == "de")
        let french = "<div class=\"content\"><p>\(Self.text("fr"))</p></div>"
        #expect(try language(html: "<html><head><meta property=\"og:locale\" content=\"en_US\"></head><body>\(french)</body></html>") == "fr")
    }
}

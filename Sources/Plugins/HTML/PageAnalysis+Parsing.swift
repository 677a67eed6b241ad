import ETLKit
import ETLText

extension PageAnalysis {
    /// Parses `html` with libxml2 and analyses it, running the selectors of the first of `profiles`
    /// that the page's markers or generator name, on the same parsed document before it is freed.
    /// Nil when libxml2 returns no document (an empty page).
    package static func parsing(_ html: String, url: String, profiles: [SiteProfile], markerFilter: BytePatternSet) throws(ParseHalt) -> PageAnalysis? {
        try HTMLParsing.withDocument(html, url: url) { document -> PageAnalysis in
            var analysis = PageAnalysis(document: document, profiles: profiles, markerFilter: markerFilter)
            let matched = analysis.markedProfile.map { profiles[$0] } ?? profiles.first { $0.isGenerated(by: analysis.metadata) }
            if let matched {
                analysis.metadata.profile = matched.name
                analysis.metadata.profileFields = SelectExtractor.select(matched.selectors, in: document)
            }
            return analysis
        }
    }
}

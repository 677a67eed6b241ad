import ETLPlugins
import Testing

/// The entry points of the fuzz targets (`Fuzz/`) parse as the `sitemap` and `feed` sources do.
/// Inputs a fuzz target crashed on are added here, fed to the same function.
@Suite struct FuzzingEntryPointsTests {
    @Test func sitemapURLsListPagesThenChildSitemaps() {
        let urlset = Array(
            """
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://example.com/a </loc></url><url><lastmod>2024</lastmod></url></urlset>
            """.utf8)
        #expect(FuzzingEntryPoints.sitemapURLs(urlset) == ["https://example.com/a"])
        let index = Array("<sitemapindex><sitemap><loc>https://example.com/s.xml</loc></sitemap></sitemapindex>".utf8)
        #expect(FuzzingEntryPoints.sitemapURLs(index) == ["https://example.com/s.xml"])
        #expect(FuzzingEntryPoints.sitemapURLs([]) == nil)
    }

    @Test func feedLinksOfRSSAndAtom() {
        let rss = Array("<rss><channel><item><link>https://example.com/1</link></item><item><guid>id-2</guid></item></channel></rss>".utf8)
        #expect(FuzzingEntryPoints.feedLinks(rss) == ["https://example.com/1"])
        let atom = Array("<feed><entry><link rel=\"alternate\" href=\"https://example.com/a\"/></entry></feed>".utf8)
        #expect(FuzzingEntryPoints.feedLinks(atom) == ["https://example.com/a"])
        #expect(FuzzingEntryPoints.feedLinks(Array("not xml".utf8)) == nil)
    }
}

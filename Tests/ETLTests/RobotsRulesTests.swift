import ETLHTTP
import Testing

@testable import ETLPlugins

/// robots.txt parsing and matching (RFC 9309), without a network.
@Suite struct RobotsRulesTests {
    let agent = "etl/0.1 (+https://github.com/etl-project/etl)"

    func rules(_ text: String, userAgent: String? = nil) -> RobotsRules {
        RobotsRules(parsing: text, userAgent: userAgent ?? agent)
    }

    @Test func productToken() {
        #expect(RobotsRules.productToken(of: agent) == "etl")
        #expect(RobotsRules.productToken(of: "My-Bot_2/1.0") == "my-bot_")
        #expect(RobotsRules.productToken(of: "Googlebot") == "googlebot")
    }

    @Test func ownGroupWinsOverStarCaseInsensitively() {
        let text = """
            User-agent: *
            Disallow: /

            User-Agent: ETL/2.0
            Disallow: /drafts/
            """
        let ours = rules(text)
        #expect(ours.allows("/news/1"))
        #expect(!ours.allows("/drafts/1"))
        #expect(ours.verdict(forPath: "/drafts/x") == .disallowed(rule: "Disallow: /drafts/"))
        // Another crawler falls back to `*`.
        let other = rules(text, userAgent: "otherbot/1.0")
        #expect(!other.allows("/news/1"))
        #expect(other.verdict(forPath: "/news/1") == .disallowed(rule: "Disallow: /"))
    }

    @Test func noApplyingGroupAllowsEverything() {
        let onlyOthers = rules("User-agent: googlebot\nDisallow: /\n")
        #expect(onlyOthers.allows("/anything"))
        #expect(rules("").allows("/"))
        #expect(RobotsRules.allowAll.allows("/x"))
        // Rules before any User-agent line belong to no group.
        #expect(rules("Disallow: /\n").allows("/x"))
    }

    @Test func consecutiveAgentsShareAGroupAndGroupsCombine() {
        let text = """
            User-agent: a-bot
            User-agent: etl
            Disallow: /one
            Crawl-delay: 2

            User-agent: *
            Disallow: /star

            user-agent: etl
            disallow: /two
            """
        let ours = rules(text)
        #expect(!ours.allows("/one"))
        #expect(!ours.allows("/two"))
        #expect(ours.allows("/star"))
        #expect(ours.crawlDelay == 2)
        #expect(rules(text, userAgent: "a-bot").allows("/two"))
        #expect(!rules(text, userAgent: "a-bot").allows("/one"))
    }

    @Test func longestMatchWinsAndAllowWinsATie() {
        let text = """
            User-agent: *
            Disallow: /a
            Allow: /a/b
            Disallow: /a/b/c
            Allow: /tie
            Disallow: /tie
            """
        let robots = rules(text)
        #expect(!robots.allows("/a"))
        #expect(!robots.allows("/a/x"))
        #expect(robots.allows("/a/b"))
        #expect(robots.allows("/a/bz"))
        #expect(!robots.allows("/a/b/c/d"))
        #expect(robots.allows("/tie/x"))
        #expect(robots.allows("/b"))
        // Prefix matching is by bytes, not by path segments.
        #expect(!robots.allows("/abc"))
    }

    @Test func wildcardsAndEndAnchor() {
        let text = """
            User-agent: *
            Disallow: /*.pdf$
            Disallow: /*?sessionid=
            Disallow: /private*/secret
            Allow: /$
            Disallow: /
            """
        let robots = rules(text)
        #expect(!robots.allows("/files/report.pdf"))
        #expect(robots.allows("/"))  // `/$` (3 bytes) beats `/` (1)
        #expect(!robots.allows("/index.html"))
        let open = rules("User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?sessionid=\nDisallow: /private*/secret\n")
        #expect(open.allows("/files/report.pdf?download=1"))
        #expect(open.allows("/files/report.pdfx"))
        #expect(!open.allows("/files/report.pdf"))
        #expect(!open.allows("/page?sessionid=42"))
        #expect(open.allows("/page?id=42"))
        #expect(!open.allows("/private-area/x/secret/file"))
        #expect(open.allows("/private-area/x/public"))
        #expect(!open.allows("/private/secret"))
    }

    @Test func emptyDisallowAllowsEverything() {
        #expect(rules("User-agent: *\nDisallow:\n").allows("/anything"))
        #expect(rules("User-agent: *\nDisallow: \n").rules.isEmpty)
    }

    @Test func percentEncodingIsNormalised() {
        let robots = rules("User-agent: *\nDisallow: /caf%c3%a9\nDisallow: /%7Euser\nDisallow: /a%2Fb\nDisallow: /خبر\n")
        #expect(!robots.allows("/café/menu"))
        #expect(!robots.allows("/caf%C3%A9/menu"))
        #expect(!robots.allows("/~user/home"))
        #expect(!robots.allows("/%7euser/home"))
        // %2F is reserved: it stays encoded and differs from `/`.
        #expect(!robots.allows("/a%2fb"))
        #expect(robots.allows("/a/b"))
        #expect(!robots.allows("/%D8%AE%D8%A8%D8%B1/1"))
        #expect(RobotsPattern.normalise("/a b/é%7e%2f") == Array("/a%20b/%C3%A9~%2F".utf8))
    }

    /// RFC 9309 §2.2.3: `*` and `$` written `%2A` and `%24` in a rule are the characters themselves.
    @Test func encodedStarAndDollarInARuleAreLiteral() {
        let robots = rules("User-agent: *\nDisallow: /path/file-with-a-%2A.html\nDisallow: /path/foo-%24\nDisallow: /wild/*/x$\n")
        #expect(!robots.allows("/path/file-with-a-*.html"))
        #expect(!robots.allows("/path/file-with-a-%2A.html"))
        #expect(!robots.allows("/path/file-with-a-%2a.html"))
        #expect(robots.allows("/path/file-with-a-b.html"))  // not a wildcard
        #expect(!robots.allows("/path/foo-$"))
        #expect(!robots.allows("/path/foo-$/more"))  // not an anchor: a prefix like any other
        #expect(robots.allows("/path/foo-"))
        #expect(robots.allows("/path/foo-x"))
        // Literal ones keep their meaning.
        #expect(!robots.allows("/wild/any/thing/x"))
        #expect(robots.allows("/wild/any/thing/xy"))
    }

    /// RFC 9309 §2.2.2: /robots.txt is implicitly allowed, whatever the file says.
    @Test func robotsTxtItselfIsAlwaysAllowed() {
        let robots = rules("User-agent: *\nDisallow: /\n")
        #expect(robots.allows("/robots.txt"))
        #expect(!robots.allows("/robots.txt.bak"))
        #expect(!robots.allows("/"))
    }

    @Test func commentsLineEndingsBOMAndSitemaps() {
        let text =
            "\u{FEFF}# header\r\nUser-agent: * # everyone\r\nDisallow: /tmp # scratch\r\nCrawl-delay: 1.5\r\nSitemap: https://example.com/sitemap.xml\r\nUnknown: x\r\nsitemap: https://example.com/news.xml"
        let robots = rules(text)
        #expect(!robots.allows("/tmp/a"))
        #expect(robots.allows("/tmpx") == false)
        #expect(robots.allows("/other"))
        #expect(robots.crawlDelay == 1.5)
        #expect(robots.sitemaps == ["https://example.com/sitemap.xml", "https://example.com/news.xml"])
        #expect(robots.rules.map(\.line) == ["Disallow: /tmp"])
    }

    @Test func badCrawlDelayIsIgnored() {
        #expect(rules("User-agent: *\nCrawl-delay: soon\n").crawlDelay == nil)
        #expect(rules("User-agent: *\nCrawl-delay: -3\n").crawlDelay == nil)
        #expect(rules("User-agent: other\nCrawl-delay: 5\n").crawlDelay == nil)
    }

    @Test func disallowAllNamesItsReason() {
        let robots = RobotsRules.disallowAll(reason: "everything: robots.txt answered HTTP status 503")
        #expect(robots.verdict(forPath: "/") == .disallowed(rule: "everything: robots.txt answered HTTP status 503"))
        #expect(!robots.allows("/robots.txt/x"))
    }

    @Test func globMatching() {
        func match(_ pattern: String, _ path: String) -> Bool {
            RobotsPattern(pattern).matches(RobotsPattern.target(path))
        }
        #expect(match("/", "/anything"))
        #expect(match("/a*b*c$", "/axxbyyc"))
        #expect(!match("/a*b*c$", "/axxbyycd"))
        #expect(match("*", ""))
        #expect(match("/**x", "/yyx"))
        #expect(!match("/a", "/"))
        #expect(match("/$", "/"))
        #expect(!match("/$", "/a"))
    }

    @Test func targetOfAURL() throws {
        let target = try #require(RobotsCache.target(of: "HTTP://Example.COM/a%20b/c?x=1&y=2#frag"))
        #expect(target.origin == "http://example.com:80")
        #expect(target.robotsURL == "http://example.com/robots.txt")
        #expect(target.host == "example.com")
        #expect(target.pathAndQuery == "/a%20b/c?x=1&y=2")
        let withPort = try #require(RobotsCache.target(of: "https://127.0.0.1:8443"))
        #expect(withPort.origin == "https://127.0.0.1:8443")
        #expect(withPort.robotsURL == "https://127.0.0.1:8443/robots.txt")
        #expect(withPort.pathAndQuery == "/")
        #expect(RobotsCache.target(of: "ftp://example.com/x") == nil)
    }
}

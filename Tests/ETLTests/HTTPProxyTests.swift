import ETLHTTP
import ETLKit
import Testing

@testable import ETLPlugins

/// Proxy URLs, their redaction and the rotation, without a socket (the proxies at work:
/// `ProxyTests` in the system tests).
@Suite struct HTTPProxyTests {
    @Test func proxyURLsAreParsedAndTheirPasswordsRedacted() throws {
        let proxy = try HTTPProxy(parsing: "SOCKS5H://alice:s3cr3t%2Fp%40ss@Proxy.Example:1080/")
        #expect(proxy.scheme == .socks5h)
        #expect(proxy.host == "proxy.example")
        #expect(proxy.port == 1080)
        #expect(proxy.description == "SOCKS5H://alice:***@Proxy.Example:1080/")
        #expect(!proxy.resolvesTargetLocally)
        #expect(proxy.scrubbing("user alice:s3cr3t/p@ss and s3cr3t%2Fp%40ss") == "user ***:*** and ***")
        #expect(try HTTPProxy(parsing: "socks5://[::1]:9050").host == "[::1]")
        #expect(try HTTPProxy(parsing: "socks5://127.0.0.1:9050").resolvesTargetLocally)
        #expect(try HTTPProxy(parsing: "http://user@proxy.example:3128").description == "http://user@proxy.example:3128")
        #expect(HTTPProxy.redacted("https://a:b:c@h:1") == "https://a:***@h:1")
        #expect(HTTPProxy.redacted("not a url") == "not a url")
    }

    @Test func badProxyURLsSayWhatIsWrongWithoutTheirPasswords() {
        let cases: [(String, String)] = [
            ("127.0.0.1:1080", "is not a URL"),
            ("socks4://127.0.0.1:1080", "has the scheme \"socks4\""),
            ("ftp://u:Secr3tPass@h:21", "has the scheme \"ftp\""),
            ("http://u:Secr3tPass@proxy.example", "has no port"),
            ("http://proxy.example:0", "invalid port"),
            ("http://proxy.example:65536", "invalid port"),
            ("http://:8080", "has no host"),
            ("http://proxy.example:8080/path", "has a path"),
            ("http://proxy.example:8080?x", "has a path"),
            ("http://[::1:8080", "without its closing ]"),
            ("http://pro xy:8080", "white space"),
            ("http://pr%6Fxy:8080", "invalid host"),
        ]
        for (text, expected) in cases {
            do {
                _ = try HTTPProxy(parsing: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description.contains(expected), "\(text): \(error)")
                #expect(!error.description.contains("Secr3tPass"), "\(text): \(error)")
            }
        }
        // The fetcher's option error names the entry (redacted) and its index.
        let error = #expect(throws: OptionError.self) { try HTTPFetcher.proxies(["socks5h://127.0.0.1:1080", "http://u:Secr3tPass@h"]) }
        #expect(error?.option == "proxies")
        #expect(error?.reason.contains("\"http://u:***@h\" (at [1])") == true, "\(String(describing: error))")
    }

    /// A source's proxies are not hosts the user asked to fetch: a page cannot send the fetcher
    /// to the proxy's address as a site because the pipeline named the proxy.
    @Test func aSourcesProxiesAreNoNamedHosts() throws {
        let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(
            text: """
                {
                  "proxies": ["http://127.0.0.9:3128"],
                  "sources": [{ "use": "crawl", "seeds": ["https://example.com/"], "proxies": ["http://proxy.example:3128", "socks5h://127.0.0.1:1080"] }],
                  "sinks": [{ "use": "jsonl", "path": "x.jsonl" }]
                }
                """)
        #expect(pipeline.namedHosts == ["example.com"])
    }

    @Test func perRequestRotationTakesTheProxiesInTurnSkippingTheDown() throws {
        let proxies = try ["socks5h://127.0.0.1:1", "socks5h://127.0.0.1:2", "socks5h://127.0.0.1:3"].map { try HTTPProxy(parsing: $0) }
        let pool = ProxyPool(proxies: proxies, rotation: .request, backoff: .seconds(60))
        let health = ProxyHealth()
        let picks = (0..<4).compactMap { _ in pool.choose(forHost: "a", excluding: [], health: health)?.index }
        #expect(picks == [0, 1, 2, 0])
        health.markDown(proxies[1], for: .seconds(60))
        let later = (0..<3).compactMap { _ in pool.choose(forHost: "a", excluding: [], health: health)?.index }
        #expect(later == [2, 0, 2])
        #expect(pool.choose(forHost: "a", excluding: [0, 2], health: health) == nil)
        #expect(health.remaining(proxies[1]) != nil)
        #expect(health.remaining(proxies[0]) == nil)
        // A second failure while it is left out is not news.
        #expect(health.markDown(proxies[1], for: .seconds(60)) == false)
        // Left out for no time: back at once.
        #expect(health.markDown(proxies[0], for: .zero))
        #expect(health.downProxies(among: proxies) == [proxies[1]])
    }

    @Test func perHostRotationKeepsAHostsProxyWhileItWorks() throws {
        let proxies = try ["http://127.0.0.1:1", "http://127.0.0.1:2"].map { try HTTPProxy(parsing: $0) }
        let pool = ProxyPool(proxies: proxies, rotation: .host, backoff: .seconds(60))
        let health = ProxyHealth()
        func pick(_ host: String) -> Int? { pool.choose(forHost: host, excluding: [], health: health)?.index }
        #expect([pick("a"), pick("b"), pick("a"), pick("b"), pick("a")] == [0, 1, 0, 1, 0])
        health.markDown(proxies[0], for: .seconds(60))
        #expect([pick("a"), pick("b"), pick("a")] == [1, 1, 1])
        // Tried for this request and failed: the other one, which the host then keeps.
        #expect(pool.choose(forHost: "c", excluding: [1], health: ProxyHealth())?.index == 0)
        #expect(pool.choose(forHost: "c", excluding: [], health: ProxyHealth())?.index == 0)
    }
}

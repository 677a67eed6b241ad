import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `proxies` option of the `http` fetcher and of the sources' downloads, through a SOCKS5
/// proxy of the tests' own on 127.0.0.1 (``TestSOCKS5Proxy``), which records each tunnel and the
/// port of its connection to the site: the port the site sees the request come from.
@Suite struct ProxyTests {
    func fetcher(_ options: [String: JSONValue]) throws -> HTTPFetcher {
        let base: [String: JSONValue] = ["robots": false, "delay": 0, "retries": 0]
        return try HTTPFetcher(options: PluginOptions(base.merging(options) { $1 }))
    }

    /// A run context whose user named `hosts`, logging into `capture`.
    func context(naming hosts: Set<String> = ["127.0.0.1"], capture: LogCapture = LogCapture()) -> RunContext {
        let context = RunContext(logger: capture.logger)
        _ = context.services.value { NamedHosts(hosts) }
        return context
    }

    /// For each request the site received, the index in `proxies` of the proxy it came through
    /// (nil: through none of them).
    func proxyOfEachRequest(_ server: TestHTTPServer, _ proxies: [TestSOCKS5Proxy]) -> [Int?] {
        server.exchanges.map { exchange in
            proxies.firstIndex { proxy in proxy.tunnels.contains { $0.outboundPort == exchange.request.remotePort } }
        }
    }

    @Test func requestsGoThroughTheProxy() async throws {
        try await TestSOCKS5Proxy.run { proxy in
            try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
                let http = try fetcher(["proxies": [.string(proxy.url("socks5h"))]])
                let context = context()
                for index in 0..<3 {
                    let record = try await http.fetch(Record(url: server.url("/page\(index)"), source: "test"), context: context)
                    #expect(record.document?.text == "<p>page</p>")
                }
                #expect(server.exchanges.count == 3)
                // The site saw every request on a connection of the proxy's.
                #expect(proxyOfEachRequest(server, [proxy]) == [0, 0, 0])
                #expect(!proxy.tunnels.isEmpty)
                #expect(proxy.tunnels.allSatisfy { $0.target == "127.0.0.1" && $0.port == server.port })

                // socks5h: the proxy resolves a name; socks5: the name is resolved here and the proxy gets an address.
                let named = self.context(naming: ["localhost"])
                let url = "http://localhost:\(server.port)/by-name"
                _ = try await fetcher(["proxies": [.string(proxy.url("socks5h"))]]).fetch(Record(url: url, source: "test"), context: named)
                #expect(proxy.tunnels.last?.target == "localhost")
                #expect(proxy.tunnels.last?.isName == true)
                let before = proxy.tunnels.count
                let local = try await fetcher(["proxies": [.string(proxy.url("socks5"))]]).fetch(
                    Record(url: server.url("/by-address"), source: "test"), context: context)
                #expect(local.document?.text == "<p>page</p>")
                #expect(proxy.tunnels.count == before + 1)
                #expect(proxy.tunnels.last?.isName == false)
                // socks5 with a name: resolved here, checked, and the address (pinned) sent to the proxy.
                let pinned = try await fetcher(["proxies": [.string(proxy.url("socks5"))]]).fetch(Record(url: url, source: "test"), context: named)
                #expect(pinned.document?.text == "<p>page</p>")
                #expect(proxy.tunnels.last?.target == "127.0.0.1")
                #expect(proxy.tunnels.last?.isName == false)
            }
        }
    }

    @Test func perRequestRotationAlternatesBetweenTwoProxies() async throws {
        try await TestSOCKS5Proxy.run { first in
            try await TestSOCKS5Proxy.run { second in
                try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
                    let http = try fetcher(["proxies": [.string(first.url()), .string(second.url())], "proxyRotation": "request"])
                    let context = context()
                    for index in 0..<4 {
                        _ = try await http.fetch(Record(url: server.url("/\(index)"), source: "test"), context: context)
                    }
                    #expect(proxyOfEachRequest(server, [first, second]) == [0, 1, 0, 1])
                }
            }
        }
    }

    @Test func perHostRotationKeepsOneProxyPerHost() async throws {
        try await TestSOCKS5Proxy.run { first in
            try await TestSOCKS5Proxy.run { second in
                try await TestHTTPServer.run(routes: { _ in .html("<p>a</p>") }) { siteA in
                    try await TestHTTPServer.run(routes: { _ in .html("<p>b</p>") }) { siteB in
                        // The default rotation is per host.
                        let http = try fetcher(["proxies": [.string(first.url()), .string(second.url())]])
                        let context = context()
                        for index in 0..<3 {
                            _ = try await http.fetch(Record(url: siteA.url("/\(index)"), source: "test"), context: context)
                            _ = try await http.fetch(Record(url: siteB.url("/\(index)"), source: "test"), context: context)
                        }
                        let proxiesOfA = proxyOfEachRequest(siteA, [first, second])
                        let proxiesOfB = proxyOfEachRequest(siteB, [first, second])
                        #expect(proxiesOfA.count == 3 && Set(proxiesOfA).count == 1 && proxiesOfA.first! != nil, "\(proxiesOfA)")
                        #expect(proxiesOfB.count == 3 && Set(proxiesOfB).count == 1 && proxiesOfB.first! != nil, "\(proxiesOfB)")
                        // New hosts take the proxies in turn.
                        #expect(proxiesOfA.first != proxiesOfB.first)

                        // A host whose proxy dies moves to the other one, and keeps it.
                        let keptByA = try #require(proxiesOfA.first ?? nil)
                        ([first, second])[keptByA].stop()
                        for index in 3..<5 {
                            _ = try await http.fetch(Record(url: siteA.url("/\(index)"), source: "test"), context: context)
                        }
                        #expect(Array(proxyOfEachRequest(siteA, [first, second]).suffix(2)) == [1 - keptByA, 1 - keptByA])
                    }
                }
            }
        }
    }

    @Test func aDeadProxyIsLeftOutAndTheNextOneUsed() async throws {
        let deadPort = try TestSOCKS5Proxy.closedPort()
        let dead = "socks5h://127.0.0.1:\(deadPort)"
        try await TestSOCKS5Proxy.run { live in
            try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
                let capture = LogCapture()
                let http = try fetcher(["proxies": [.string(dead), .string(live.url())], "proxyRotation": "request"])
                let context = context(capture: capture)
                for index in 0..<4 {
                    let record = try await http.fetch(Record(url: server.url("/\(index)"), source: "test"), context: context)
                    #expect(record.document?.text == "<p>page</p>")
                }
                #expect(proxyOfEachRequest(server, [live]) == [0, 0, 0, 0])
                // Tried once, then left out for proxyBackoff (60 s).
                let warnings = capture.messages(at: .warning).filter { $0.contains("127.0.0.1:\(deadPort)") }
                #expect(warnings.count == 1, "\(warnings)")
                #expect(warnings.first?.contains("left out for 60 s") == true, "\(warnings)")
            }
        }
    }

    @Test func allProxiesDownIsATransientDeadLetterNamingThemWithoutPasswords() async throws {
        let (portA, portB) = (try TestSOCKS5Proxy.closedPort(), try TestSOCKS5Proxy.closedPort())
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(routes: { _ in .html("<html><body><p>page</p></body></html>") }) { server in
            // Directly: the error after the retries is transient and names both proxies.
            let proxies: [JSONValue] = [.string("socks5h://alice:Secr3tPass@127.0.0.1:\(portA)"), .string("socks5://bob:s3cr3t%2Fp%40ss@127.0.0.1:\(portB)")]
            let capture = LogCapture()
            let error = try await #require(throws: HTTPFetchError.self) {
                _ = try await fetcher(["proxies": .array(proxies), "retries": 1, "backoff": 0]).fetch(
                    Record(url: server.url("/page"), source: "test"), context: context(capture: capture))
            }
            #expect(error.code == .failedAfterAttempts)
            #expect(error.wrapped?.code == .proxiesUnavailable)
            #expect(!error.isPermanent)
            let text = error.description
            #expect(text.contains("socks5h://alice:***@127.0.0.1:\(portA)") && text.contains("socks5://bob:***@127.0.0.1:\(portB)"), "\(text)")
            #expect(server.exchanges.isEmpty)
            for secret in ["Secr3tPass", "s3cr3t", "p@ss", "p%40ss"] {
                #expect(!text.contains(secret), "\(text)")
                #expect(!capture.entries.contains { $0.message.contains(secret) }, "\(capture.entries.map(\.message))")
            }

            // In a pipeline, with the proxies set once at the top level: a dead letter.
            let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path, "PROXY_PASSWORD": "Secr3tPass"]).load(
                text: """
                    {
                      "proxies": ["socks5h://alice:${PROXY_PASSWORD}@127.0.0.1:\(portA)", "http://127.0.0.1:\(portB)"],
                      "sources": [{ "use": "urls", "urls": ["\(server.url("/page"))"] }],
                      "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0 }],
                      "steps": [],
                      "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                      "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                    }
                    """)
            let runLog = LogCapture()
            let summary = try await PipelineRunner(pipeline: pipeline, logger: runLog.logger).run()
            #expect(summary.deadLetters == 1)
            let reason = try #require(readJSONLines(output.path("dead.jsonl")).first?["reason"] as? String)
            #expect(reason.contains("no proxy") && reason.contains("socks5h://alice:***@127.0.0.1:\(portA)"), "\(reason)")
            #expect(reason.contains("http://127.0.0.1:\(portB)"), "\(reason)")
            #expect(!reason.contains("Secr3tPass"))
            #expect(!runLog.entries.contains { $0.message.contains("Secr3tPass") })
            #expect(server.exchanges.isEmpty)
        }
    }

    /// A robots.txt no proxy could carry is no failure of the site's: it is read again once a
    /// proxy may be back (after proxyBackoff), not after robots.txt's 5 minutes.
    @Test func aRobotsFileNoProxyCouldCarryIsReadAgainWhenAProxyIsBack() async throws {
        let dead = "socks5h://127.0.0.1:\(try TestSOCKS5Proxy.closedPort())"
        try await TestSOCKS5Proxy.run { live in
            try await TestHTTPServer.run(routes: { request in
                request.path == "/robots.txt"
                    ? TestResponse(status: 200, headers: [(name: "content-type", value: "text/plain")], body: Array("User-agent: *\nDisallow: /private\n".utf8))
                    : .html("<p>page</p>")
            }) { server in
                let context = context()
                let down = try fetcher(["robots": true, "proxies": [.string(dead)], "proxyBackoff": 0])
                let error = try await #require(throws: HTTPFetchError.self) {
                    _ = try await down.fetch(Record(url: server.url("/page"), source: "test"), context: context)
                }
                #expect(error.code == .robotsUnreachable, "\(error)")
                #expect(error.description.contains("no proxy"), "\(error)")
                // Another fetcher of the run, whose proxy works, reads robots.txt anew and obeys it.
                let up = try fetcher(["robots": true, "proxies": [.string(live.url())]])
                let record = try await up.fetch(Record(url: server.url("/page"), source: "test"), context: context)
                #expect(record.document?.text == "<p>page</p>")
                let refused = try await #require(throws: HTTPFetchError.self) {
                    _ = try await up.fetch(Record(url: server.url("/private"), source: "test"), context: context)
                }
                #expect(refused.code == .robotsDisallowed)
                #expect(server.exchanges.map(\.request.path) == ["/robots.txt", "/page"])
            }
        }
    }

    @Test func proxyCredentialsAreSentAndNeverShown() async throws {
        let credentials = TestSOCKS5Proxy.Credentials(user: "alice", password: "s3cr3t/p@ss")
        try await TestSOCKS5Proxy.run(credentials: credentials) { proxy in
            try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
                // Percent-encoded in the URL, decoded for the proxy.
                let good = proxy.url(user: "alice", password: "s3cr3t%2Fp%40ss")
                let record = try await fetcher(["proxies": [.string(good)]]).fetch(Record(url: server.url("/"), source: "test"), context: context())
                #expect(record.document?.text == "<p>page</p>")
                #expect(proxy.tunnels.count == 1)

                let capture = LogCapture()
                let wrong = proxy.url(user: "alice", password: "Wr0ngPassword")
                let error = try await #require(throws: HTTPFetchError.self) {
                    _ = try await fetcher(["proxies": [.string(wrong)]]).fetch(
                        Record(url: server.url("/other"), source: "test"), context: context(capture: capture))
                }
                #expect(proxy.rejectedLogins == 1)
                #expect(error.code == .proxiesUnavailable, "\(error)")
                #expect(error.description.contains("alice:***@127.0.0.1:\(proxy.port)"), "\(error)")
                #expect(!error.description.contains("Wr0ngPassword"))
                #expect(!capture.entries.contains { $0.message.contains("Wr0ngPassword") })
                #expect(server.exchanges.count == 1)
            }
        }
    }

    /// An HTTP proxy (the test proxy speaks both): an http site's request goes in absolute form with
    /// `Proxy-Authorization`, which neither the site nor an archived request record gets; a 407 is
    /// the proxy's failure, not the site's status.
    @Test func anHTTPProxyCarriesHTTPSitesAndItsCredentialsStayOutOfTheRecord() async throws {
        let credentials = TestSOCKS5Proxy.Credentials(user: "alice", password: "Secr3tPass")
        try await TestSOCKS5Proxy.run(credentials: credentials) { proxy in
            try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
                let context = context()
                _ = context.services.value { ExchangeRecording(isOn: true) }
                let http = try fetcher(["proxies": [.string(proxy.url("http", user: "alice", password: "Secr3tPass"))]])
                let record = try await http.fetch(Record(url: server.url("/page"), source: "test"), context: context)
                #expect(record.document?.text == "<p>page</p>")
                #expect(proxyOfEachRequest(server, [proxy]) == [0])
                #expect(server.exchanges.first?.request.header("proxy-authorization") == nil)
                let exchange = try #require(record.response?.exchanges.first)
                let request = String(decoding: exchange.request, as: UTF8.self)
                // As the site received it: in origin form.
                #expect(request.hasPrefix("GET /page HTTP/1.1\r\n") && request.hasSuffix("\r\n\r\n"), "\(request)")
                #expect(!request.lowercased().contains("proxy-authorization"), "\(request)")
                #expect(!request.contains(Data("alice:Secr3tPass".utf8).base64EncodedString()), "\(request)")
                #expect(exchange.remoteAddress == nil)

                let capture = LogCapture()
                let wrong = try fetcher(["proxies": [.string(proxy.url("http", user: "alice", password: "Wr0ngPassword"))]])
                let error = try await #require(throws: HTTPFetchError.self) {
                    _ = try await wrong.fetch(Record(url: server.url("/other"), source: "test"), context: self.context(capture: capture))
                }
                #expect(error.code == .proxiesUnavailable, "\(error)")
                #expect(error.description.contains("407") && error.description.contains("http://alice:***@127.0.0.1:\(proxy.port)"), "\(error)")
                #expect(!error.description.contains("Wr0ngPassword"))
                #expect(!capture.entries.contains { $0.message.contains("Wr0ngPassword") })
                #expect(proxy.rejectedLogins == 1)
                #expect(server.exchanges.count == 1)

                // An https site goes through a CONNECT tunnel; a 407 to CONNECT is the proxy's failure too.
                let secure = "https://127.0.0.1:\(server.port)/tls"
                let refusedTunnel = try await #require(throws: HTTPFetchError.self) {
                    _ = try await wrong.fetch(Record(url: secure, source: "test"), context: self.context())
                }
                #expect(refusedTunnel.code == .proxiesUnavailable && refusedTunnel.description.contains("407"), "\(refusedTunnel)")
                #expect(proxy.rejectedLogins == 2)
                // The tunnel opens; the site (plain HTTP) then fails the TLS handshake: the site's
                // failure, not the proxy's, which is not left out.
                let tunnels = proxy.tunnels.count
                let capture2 = LogCapture()
                let siteFailure = try await #require(throws: HTTPFetchError.self) {
                    _ = try await http.fetch(Record(url: secure, source: "test"), context: self.context(capture: capture2))
                }
                #expect(siteFailure.code == .networkFailure, "\(siteFailure)")
                #expect(proxy.tunnels.count == tunnels + 1)
                #expect(proxy.tunnels.last?.port == server.port)
                #expect(!capture2.entries.contains { $0.message.contains("left out") })
            }
        }
    }

    /// What a page says cannot send the fetcher, through a proxy, to an address the pipeline does
    /// not name: the site's name is resolved here and checked before the request goes to the proxy.
    @Test func aPageBehindAProxyCannotReachAnUnnamedPrivateAddress() async throws {
        try await TestSOCKS5Proxy.run { proxy in
            try await TestHTTPServer.run(host: "127.0.0.2", routes: { _ in .html("<p>internal</p>") }) { inside in
                let target = inside.url("/admin")
                let byName = "http://localhost:\(inside.port)/admin"
                try await TestHTTPServer.run(routes: { request in
                    request.path == "/by-name" ? .redirect(to: byName) : .redirect(to: target)
                }) { server in
                    for scheme in ["socks5h", "socks5"] {
                        let http = try fetcher(["proxies": [.string(proxy.url(scheme))]])
                        let url = server.url("/start")
                        let error = try await #require(throws: HTTPFetchError.self) {
                            _ = try await http.fetch(Record(url: url, source: "test"), context: context())
                        }
                        #expect(
                            error == .afterRedirect(url: url, target: target, error: .addressRefused(url: target, address: "127.0.0.2", kind: "loopback")),
                            "\(scheme): \(error)")
                        // A name that resolves to loopback here is refused too, though the proxy would resolve it.
                        let named = try await #require(throws: HTTPFetchError.self) {
                            _ = try await http.fetch(Record(url: server.url("/by-name"), source: "test"), context: context())
                        }
                        #expect(named.wrapped?.code == .addressRefused, "\(scheme): \(named)")
                    }
                    #expect(inside.exchanges.isEmpty)
                    #expect(proxy.tunnels.allSatisfy { $0.target == "127.0.0.1" && $0.port == server.port }, "\(proxy.tunnels)")

                    // Allowed by the option, the same redirect is followed through the proxy.
                    let allowed = try fetcher(["proxies": [.string(proxy.url())], "allowPrivate": ["127.0.0.2"]])
                    let record = try await allowed.fetch(Record(url: server.url("/start"), source: "test"), context: context())
                    #expect(record.document?.text == "<p>internal</p>")
                    #expect(proxyOfEachRequest(inside, [proxy]) == [0])
                }
            }
        }
    }

    /// The crawl source's own downloads go through the proxies set once at the top level, and a
    /// link to an address the pipeline does not name is a dead letter, with no tunnel to it.
    @Test func aCrawlGoesThroughTheTopLevelProxiesAndCannotBeSentToAnUnnamedAddress() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestSOCKS5Proxy.run { proxy in
            try await TestHTTPServer.run(host: "127.0.0.2", routes: { _ in .html("<html><body><p>internal</p></body></html>") }) { inside in
                let links = ["/a", "/b", inside.url("/admin"), "http://localhost:\(inside.port)/admin"]
                    .map { "<a href=\"\($0)\">link</a>" }.joined()
                try await TestHTTPServer.run(routes: { request in
                    request.path == "/"
                        ? .html("<html><body><p>home</p>\(links)</body></html>") : .html("<html><body><p>page \(request.path)</p></body></html>")
                }) { server in
                    let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                        text: """
                            {
                              "proxies": ["\(proxy.url())"],
                              "delay": 0, "robots": false,
                              "sources": [{ "use": "crawl", "seeds": ["\(server.url("/"))"], "maxDepth": 1, "sameSite": false }],
                              "fetch": [{ "use": "http", "retries": 0 }],
                              "steps": [],
                              "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                              "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                            }
                            """)
                    #expect(pipeline.namedHosts == ["127.0.0.1"])
                    let summary = try await PipelineRunner(pipeline: pipeline).run()
                    #expect(summary.written == 3, "\(summary)")
                    #expect(summary.deadLetters == 2, "\(summary)")
                    let reasons = try readJSONLines(output.path("dead.jsonl")).compactMap { $0["reason"] as? String }
                    #expect(reasons.count == 2 && reasons.allSatisfy { $0.contains("loopback address") }, "\(reasons)")
                    #expect(inside.exchanges.isEmpty)
                    #expect(!server.exchanges.isEmpty)
                    #expect(proxyOfEachRequest(server, [proxy]).allSatisfy { $0 == 0 })
                    #expect(proxy.tunnels.allSatisfy { $0.target == "127.0.0.1" && $0.port == server.port }, "\(proxy.tunnels)")
                }
            }
        }
    }

    @Test func badProxyOptionsAreErrorsAtTheirPathWithoutPasswords() throws {
        func errors(_ proxies: String, at place: String = "fetch") throws -> String {
            let fetch = place == "fetch" ? #", "fetch": [{"use": "http", "proxies": \#(proxies)}]"# : ""
            let top = place == "top" ? #""proxies": \#(proxies), "# : ""
            let text = #"{\#(top)"sources": [{"use": "urls", "urls": ["https://example.com/"]}]\#(fetch), "sinks": [{"use": "jsonl", "path": "x.jsonl"}]}"#
            let error = try #require(throws: PipelineError.self) { try PipelineLoader(registry: .builtins, environment: [:]).load(text: text) }
            return error.description
        }
        let scheme = try errors(#"["socks4://127.0.0.1:1080"]"#)
        #expect(scheme.contains("$.fetch[0].proxies") && scheme.contains("socks4"), "\(scheme)")
        let port = try errors(#"["socks5h://127.0.0.1:1080", "http://user:Secr3tPass@proxy.example"]"#)
        #expect(port.contains("$.fetch[0].proxies") && port.contains("[1]") && port.contains("no port"), "\(port)")
        #expect(port.contains("user:***@proxy.example") && !port.contains("Secr3tPass"), "\(port)")
        for bad in [#"["127.0.0.1:1080"]"#, #"["socks5://:1080"]"#, #"["http://proxy.example:99999"]"#, #"["http://proxy.example:8080/path"]"#] {
            #expect(try errors(bad).contains("proxies"), "\(bad)")
        }
        let rotation = try errors(#"["socks5h://127.0.0.1:1080"], "proxyRotation": "site""#)
        #expect(rotation.contains("$.fetch[0].proxyRotation"), "\(rotation)")
        // At the top level, set for every plugin that fetches: the error names the plugin that rejects it.
        let top = try errors(#"["ftp://user:Secr3tPass@127.0.0.1:21"]"#, at: "top")
        #expect(top.contains("proxies") && top.contains("ftp") && !top.contains("Secr3tPass"), "\(top)")
    }
}

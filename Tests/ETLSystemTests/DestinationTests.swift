import ETLHTTP
import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// Which addresses the `http` fetcher connects to: public ones always; loopback and private ones
/// only for hosts the user named or the `allowPrivate` option covers; link-local ones only by the
/// option. Checked after DNS, on every redirect. Servers on 127.0.0.0/8 only: 127.0.0.2 stands for
/// a private address the pipeline does not name.
@Suite struct DestinationTests {
    typealias Policy = DestinationPolicy

    func kind(_ text: String) throws -> Policy.Kind {
        try #require(Policy.Address(text)).kind
    }

    @Test func addressesAreClassifiedInEverySpelling() throws {
        #expect(try kind("93.184.216.34") == .public)
        #expect(try kind("2606:2800:220:1::1") == .public)
        #expect(try kind("127.0.0.1") == .loopback)
        #expect(try kind("127.255.0.9") == .loopback)
        #expect(try kind("::1") == .loopback)
        #expect(try kind("[::1]") == .loopback)
        #expect(try kind("::ffff:127.0.0.1") == .loopback)
        #expect(try kind("::ffff:7f00:1") == .loopback)
        #expect(try kind("64:ff9b::a00:1") == .private)
        #expect(Policy.Address(bytes: [10, 1, 2, 3]).kind == .private)
        #expect(Policy.Address(bytes: [172, 16, 0, 1]).kind == .private)
        #expect(try kind("172.32.0.1") == .public)
        #expect(Policy.Address(bytes: [192, 168, 1, 1]).kind == .private)
        #expect(try kind("100.64.0.1") == .private)
        #expect(try kind("fd12::1") == .private)
        #expect(Policy.Address(bytes: [169, 254, 169, 254]).kind == .linkLocal)
        #expect(try kind("fe80::1") == .linkLocal)
        #expect(try kind("0.0.0.0") == .unspecified)
        #expect(try kind("::") == .unspecified)
        #expect(try kind("224.0.0.1") == .multicast)
        #expect(try kind("ff02::1") == .multicast)
        #expect(try kind("255.255.255.255") == .reserved)
        #expect(Policy.Address("localhost") == nil)
    }

    @Test func namedHostsAndTheOptionWidenThePolicy() throws {
        let loopback = try #require(Policy.Address("127.0.0.2"))
        let metadata = Policy.Address(bytes: [169, 254, 169, 254])  // a cloud metadata address, as data only
        #expect(Policy().refusal(of: loopback) == .loopback)
        #expect(Policy(hostIsNamed: true).refusal(of: loopback) == nil)
        // Link-local only by the option, even for a named host.
        #expect(Policy(hostIsNamed: true).refusal(of: metadata) == .linkLocal)
        #expect(Policy(hostIsAllowed: true).refusal(of: metadata) == nil)
        let networks = try Policy.allowances(["fe80::/10", "127.0.0.2/31", "intranet.example"])
        #expect(networks.hosts == ["intranet.example"])
        #expect(Policy(networks: networks.networks).refusal(of: try #require(Policy.Address("fe80::1"))) == nil)
        #expect(Policy(networks: networks.networks).refusal(of: metadata) == .linkLocal)
        #expect(Policy(networks: networks.networks).refusal(of: loopback) == nil)
        #expect(Policy(networks: networks.networks).refusal(of: try #require(Policy.Address("127.0.0.4"))) == .loopback)
        // An IPv4 network covers the same address written as IPv4-mapped IPv6.
        #expect(Policy(networks: networks.networks).refusal(of: try #require(Policy.Address("::ffff:127.0.0.2"))) == nil)
    }

    /// A run context whose user named `hosts`.
    func context(naming hosts: Set<String>) -> RunContext {
        let context = RunContext(logger: Logger(label: "etl.tests.destinations"))
        _ = context.services.value { NamedHosts(hosts) }
        return context
    }

    func fetcher(_ options: [String: JSONValue] = [:]) throws -> HTTPFetcher {
        let base: [String: JSONValue] = ["robots": false, "delay": 0, "retries": 0]
        return try HTTPFetcher(options: PluginOptions(base.merging(options) { $1 }))
    }

    @Test func aRedirectToAnUnnamedPrivateAddressIsRefusedBeforeConnecting() async throws {
        try await TestHTTPServer.run(host: "127.0.0.2", routes: { _ in .html("<p>internal</p>") }) { inside in
            let target = inside.url("/admin")
            try await TestHTTPServer.run(routes: { _ in .redirect(to: target) }) { server in
                let url = server.url("/start")
                let error = try await #require(throws: HTTPFetchError.self) {
                    _ = try await fetcher().fetch(Record(url: url, source: "test"), context: context(naming: ["127.0.0.1"]))
                }
                #expect(error == .afterRedirect(url: url, target: target, error: .addressRefused(url: target, address: "127.0.0.2", kind: "loopback")))
                #expect(error.description.contains("allowPrivate"), "\(error)")
                #expect(server.exchanges.count == 1)
                #expect(inside.exchanges.isEmpty)

                // Allowed by the option, the same redirect is followed.
                let record = try await fetcher(["allowPrivate": ["127.0.0.2"]]).fetch(Record(url: url, source: "test"), context: context(naming: ["127.0.0.1"]))
                #expect(record.document?.text == "<p>internal</p>")
                #expect(inside.exchanges.map(\.request.path) == ["/admin"])
            }
        }
    }

    @Test func otherSpellingsOfAnUnnamedLoopbackHostAreRefused() async throws {
        try await TestHTTPServer.run(routes: { _ in .html("<p>page</p>") }) { server in
            let port = server.port
            // Named: 127.0.0.1. Not named: the same server as a name, a decimal number, IPv4-mapped IPv6.
            for url in ["http://localhost:\(port)/", "http://2130706433:\(port)/", "http://[::ffff:127.0.0.1]:\(port)/"] {
                let error = try await #require(throws: HTTPFetchError.self) {
                    _ = try await fetcher().fetch(Record(url: url, source: "test"), context: context(naming: ["127.0.0.1"]))
                }
                guard error.code == .addressRefused else {
                    Issue.record("\(url): \(error)")
                    continue
                }
            }
            #expect(server.exchanges.isEmpty)
            _ = try await fetcher().fetch(Record(url: server.url("/"), source: "test"), context: context(naming: ["127.0.0.1"]))
            #expect(server.exchanges.count == 1)
        }
    }

    @Test func aPipelineNamesItsSourcesHostsAndNoOthers() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        try await TestHTTPServer.run(host: "127.0.0.2", routes: { _ in .html("<html><body><p>internal</p></body></html>") }) { inside in
            let target = inside.url("/admin")
            try await TestHTTPServer.run(routes: { request in
                request.path == "/moved" ? .redirect(to: target) : .html("<html><body><p>public page</p></body></html>")
            }) { server in
                func run(allowing allowed: String) async throws -> RunSummary {
                    let pipeline = try PipelineLoader(registry: .builtins, environment: ["OUT": output.url.path]).load(
                        text: """
                            {
                              "sources": [{ "use": "urls", "urls": ["\(server.url("/page"))", "\(server.url("/moved"))"] }],
                              "fetch": [{ "use": "http", "delay": 0, "robots": false, "retries": 0, "allowPrivate": [\(allowed)] }],
                              "steps": [],
                              "sinks": [{ "use": "jsonl", "path": "${OUT}/pages.jsonl" }],
                              "deadLetters": { "use": "jsonl", "path": "${OUT}/dead.jsonl" }
                            }
                            """)
                    #expect(pipeline.namedHosts == ["127.0.0.1"])
                    return try await PipelineRunner(pipeline: pipeline).run()
                }
                let refused = try await run(allowing: "")
                #expect(refused.written == 1)
                #expect(refused.deadLetters == 1)
                #expect(inside.exchanges.isEmpty)
                let reason = try #require(readJSONLines(output.path("dead.jsonl")).first?["reason"] as? String)
                #expect(reason.contains("127.0.0.2") && reason.contains("loopback"), "\(reason)")

                let allowed = try await run(allowing: "\"127.0.0.2\"")
                #expect(allowed.written == 2)
                #expect(inside.exchanges.count == 1)
            }
        }
    }
}

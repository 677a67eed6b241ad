import ETLKit
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// How the `http` fetcher reads robots.txt from a real server on 127.0.0.1 (RFC 9309, issue #10
/// point 3): a file longer than `maxBytes` is read up to 500 KiB rather than shutting the host,
/// and /robots.txt itself may be fetched as a page.
@Suite struct RobotsFileTests {
    let context = RunContext.namingLoopback(label: "etl.tests.robots-file")

    static func fetcher(_ options: [String: JSONValue] = [:]) throws -> HTTPFetcher {
        let base: [String: JSONValue] = ["robots": true, "delay": 0, "retries": 0]
        return try HTTPFetcher(options: PluginOptions(base.merging(options) { $1 }))
    }

    static func routes(robots: String) -> @Sendable (TestRequest) -> TestResponse {
        { request in
            request.path == "/robots.txt"
                ? TestResponse(headers: [(name: "content-type", value: "text/plain")], body: Array(robots.utf8))
                : .html("<p>\(request.path)</p>")
        }
    }

    func verdict(_ fetcher: HTTPFetcher, _ url: String) async -> Bool {
        do {
            _ = try await fetcher.fetch(Record(url: url, source: "test"), context: context)
            return true
        } catch {
            return false
        }
    }

    @Test func aRobotsTxtLongerThanMaxBytesIsReadUpTo500KiB() async throws {
        // Rules first, then 600 KiB of comments, then a rule past the 500 KiB that are read.
        let padding = String(repeating: "# padding padding padding padding padding padding padding padding\n", count: 600 * 1024 / 66)
        let robots = "User-agent: *\nDisallow: /private\n" + padding + "Disallow: /late\n"
        #expect(robots.utf8.count > 600 * 1024)
        try await TestHTTPServer.run(routes: Self.routes(robots: robots)) { server in
            let fetcher = try Self.fetcher(["maxBytes": 10_000])
            #expect(await verdict(fetcher, server.url("/public")))
            #expect(!(await verdict(fetcher, server.url("/private/1"))))
            #expect(await verdict(fetcher, server.url("/late/1")))  // beyond 500 KiB: not read
            let paths = server.exchanges.map(\.request.path)
            #expect(paths.filter { $0 == "/robots.txt" }.count == 1)
            #expect(!paths.contains("/private/1"))
        }
    }

    @Test func robotsTxtIsFetchedAsAPageEvenWhenEverythingIsDisallowed() async throws {
        try await TestHTTPServer.run(routes: Self.routes(robots: "User-agent: *\nDisallow: /\n")) { server in
            let fetcher = try Self.fetcher()
            #expect(await verdict(fetcher, server.url("/robots.txt")))
            #expect(!(await verdict(fetcher, server.url("/page"))))
        }
    }
}

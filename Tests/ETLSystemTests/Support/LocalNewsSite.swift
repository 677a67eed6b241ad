import ETLTestSupport
import Foundation
import Synchronization

/// A small news site for `pipelines/news-site.json` tests: robots.txt names the sitemap, the sitemap
/// lists the pages, the home page announces an RSS feed that lists them again, and each page is one of
/// the demo pages (with an ETag that answers conditional requests with 304, when asked for).
struct LocalNewsSite: Sendable {
    /// Page paths to the demo page each serves, in sitemap order.
    let pages: [(path: String, body: [UInt8])]
    /// How long each page takes to answer.
    var pageDelay: Duration?
    /// Whether pages carry an ETag and answer a matching If-None-Match with 304.
    var etags = false
    /// Paths the sitemap and the feed list after the pages that answer 404: dead links.
    var deadLinks: [String] = []
    /// Paths that redirect (301) to another, which serves the first page (listed nowhere).
    var movedPages: [(from: String, to: String)] = []

    /// `count` pages (`/news/0`, `/news/1`, …) cycling through the demo pages; `count` nil: one per demo page.
    init(count: Int? = nil) throws {
        let names = try DemoExpectation.all().keys.sorted()
        let bodies = try names.map { try Array(Data(contentsOf: DemoExpectation.pagesFolder.appendingPathComponent($0))) }
        let total = count ?? names.count
        pages = (0..<total).map { index in (path: count == nil ? "/news/" + names[index] : "/news/\(index)", body: bodies[index % bodies.count]) }
    }

    /// The paths the sitemap and the feed list: the pages, then the dead links.
    var listed: [String] { pages.map(\.path) + deadLinks }

    /// Serves the site on 127.0.0.1 while `body` runs; `body` gets the server and the site's base URL.
    func serve(_ body: (TestHTTPServer, String) async throws -> Void) async throws {
        let base = Mutex("")
        let site = self
        let byPath = Dictionary(uniqueKeysWithValues: pages.map { ($0.path, $0.body) })
        try await TestHTTPServer.run(routes: { request in
            let root = base.withLock { $0 }
            switch request.path {
            case "/robots.txt":
                return TestResponse(
                    status: 200, headers: [("content-type", "text/plain")], body: Array("User-agent: *\nAllow: /\nSitemap: \(root)/sitemap.xml\n".utf8))
            case "/":
                return .html("<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss\"></head><body>home</body></html>")
            case "/rss":
                let items = site.listed.map { "<item><title>\($0)</title><link>\(root)\($0)</link></item>" }.joined()
                return TestResponse(
                    status: 200, headers: [("content-type", "application/rss+xml")],
                    body: Array("<rss version=\"2.0\"><channel>\(items)</channel></rss>".utf8))
            case "/sitemap.xml":
                let urls = site.listed.map { "<url><loc>\(root)\($0)</loc></url>" }.joined()
                return TestResponse(
                    status: 200, headers: [("content-type", "application/xml")],
                    body: Array("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\(urls)</urlset>".utf8))
            default:
                if let moved = site.movedPages.first(where: { $0.from == request.path }) { return .redirect(to: moved.to, status: 301) }
                if site.movedPages.contains(where: { $0.to == request.path }), let first = site.pages.first {
                    return .html(first.body)
                }
                guard let page = byPath[request.path] else { return TestResponse(status: 404) }
                var headers: [(name: String, value: String)] = [("content-type", "text/html")]
                if site.etags {
                    let etag = "\"\(request.path.utf8.count)-\(request.path.hashValue)\""
                    if request.header("if-none-match") == etag { return TestResponse(status: 304, headers: [("etag", etag)]) }
                    headers.append(("etag", etag))
                }
                return TestResponse(status: 200, headers: headers, body: page, delay: site.pageDelay)
            }
        }) { server in
            base.withLock { $0 = server.url("") }
            try await body(server, server.url(""))
        }
    }
}

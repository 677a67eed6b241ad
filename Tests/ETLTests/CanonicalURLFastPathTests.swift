import Foundation
import Testing

@testable import ETLKit

/// ``CanonicalURL/simpleCanonical(_:)`` (bytes) must agree with ``CanonicalURL/foundationCanonical(_:)``
/// (`URLComponents`) on every URL it takes, and leave every other URL to Foundation.
@Suite struct CanonicalURLFastPathTests {
    static let taken = [
        "http://127.0.0.1:42367/p000001.html", "HTTP://127.0.0.1:80/p1", "https://Example.COM", "https://example.com:443",
        "https://example.com:4430/a/b/", "http://example.com:0/", "http://example.com:65535/x", "HtTpS://WWW.Isna.IR/news/1402033019738/",
        "https://example.ir/fa/news/%D8%A7%d8%a8", "http://a-b.example/c_d/e~f/g.h", "http://example.com.", "http://x",
        "http://1.2.3.4:8080", "https://www.example.com/a//b/./c/../d", "http://example.com/%2F%2e",
        "http://..", "http://-a-", "http://example.com:8080/", "https://example.com:80/", "http://example.com:443/",
    ]
    static let left = [
        "http://example.com/?a=1", "http://example.com/#x", "http://user@example.com/", "http://[::1]:8080/",
        "http://example.com:/", "http://example.com:080/", "http://example.com:65536/", "http://example.com:123456/",
        "ftp://example.com/", "file:///tmp/x", " http://example.com/", "http://example.com/a b", "http://exämple.com/",
        "http://example.com/a%2", "http://example.com/a%zz", "http:/example.com", "http://", "http://example.com/a;b",
        "http://example.com/a@b", "https://example.com/a:b", "http://example.com/ä", "mailto:x@example.com", "",
        "http://example.com\\x", "https://example.com/a+b", "httpx://example.com/",
    ]

    @Test(arguments: taken)
    func bytesAgreeWithFoundation(url: String) {
        let simple = CanonicalURL.simpleCanonical(url)
        #expect(simple != nil)
        #expect(simple == CanonicalURL.foundationCanonical(url))
        // What the `urls` source relies on when it takes such a line without Foundation.
        #expect(CanonicalURL.isSimpleHTTPURL(url))
        #expect(URL(string: url)?.host?.isEmpty == false)
    }

    @Test(arguments: left)
    func otherURLsAreLeftToFoundation(url: String) {
        #expect(CanonicalURL.simpleCanonical(url) == nil)
        #expect(!CanonicalURL.isSimpleHTTPURL(url))
        #expect(CanonicalURL.canonical(url) == CanonicalURL.foundationCanonical(url))
    }
}

/// ``URLHost``: the host (and port unless the scheme's default) the fetcher schedules by.
@Suite struct URLHostTests {
    @Test(arguments: [
        ("http://Example.COM/a", "example.com", "example.com"),
        ("HTTPS://example.com:443/", "example.com", "example.com"),
        ("http://127.0.0.1:8080?x", "127.0.0.1", "127.0.0.1:8080"),
        ("http://user:pw@host.ir:80#f", "host.ir", "host.ir"),
        ("https://[::1]:8443/x", "[::1]", "[::1]:8443"),
        ("https://[::1]/x", "[::1]", "[::1]"),
        ("http://host:/x", "host", "host"),
        ("http://host:0080/x", "host", "host"),
    ])
    func namesAndAuthorities(url: String, name: String, authority: String) {
        #expect(URLHost.name(of: url) == name)
        #expect(URLHost.authority(of: url) == authority)
    }

    @Test(arguments: [
        "ftp://host/", "http:/host", "http://", "http://:80/", "http://host:8x/", "http://host:99999999999999999999999/", "mailto:a@b", "", "httpx://a/",
    ])
    func notHTTPHosts(url: String) {
        #expect(URLHost.authority(of: url) == nil)
    }
}

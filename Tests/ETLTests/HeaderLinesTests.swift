import ETLHTTP
import Testing

@testable import ETLPlugins

/// The HTTP client keeps header lines as bytes on its loop thread and parses them later
/// (``HeaderLines``); the content type it needs at the start of the body comes from a scan of the
/// same lines, which must agree with the parse.
@Suite struct HeaderLinesTests {
    static func lines(_ texts: [String]) -> HeaderLines {
        var lines = HeaderLines()
        for text in texts {
            Array(text.utf8).withUnsafeBytes { lines.append($0) }
        }
        return lines
    }

    @Test func parsesNamesInLowerCaseAndTrimmedValues() {
        let headers = Self.lines(["Content-Type:  text/html; charset=utf-8 ", "X-Empty:", "no colon here", "Server\t: nginx"]).parsed()
        #expect(headers.map(\.name) == ["content-type", "x-empty", "server"])
        #expect(headers.map(\.value) == ["text/html; charset=utf-8", "", "nginx"])
    }

    @Test func joinsFoldedLinesToTheHeaderBefore() {
        let headers = Self.lines(["Content-Type: text/html;", "\t charset=windows-1256", "X-A: 1", " more"]).parsed()
        #expect(headers.map(\.value) == ["text/html; charset=windows-1256", "1 more"])
        // A folded line before any header is an ordinary line (here without a colon: ignored).
        #expect(Self.lines([" folded", "A: b"]).parsed().map(\.name) == ["a"])
    }

    @Test(arguments: [
        ["Content-Type: text/html"],
        ["content-type: a/b", "CONTENT-TYPE: image/png"],
        ["Content-Type: text/html;", " charset=utf-8", "X: y", " z"],
        ["Content-Type: text/html", "X: y", " z"],
        ["X: y"],
        [" Content-Type: text/html"],
        ["Content-Type : image/png", "Content-Typo: text/html"],
        [],
    ])
    func lastValueAgreesWithTheParse(texts: [String]) {
        let lines = Self.lines(texts)
        #expect(lines.lastValue(named: "content-type") == lines.parsed().last { $0.name == "content-type" }?.value)
    }
}

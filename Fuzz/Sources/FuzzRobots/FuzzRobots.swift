import ETLHTTP

/// User-Agent headers the rules are read for: etl's own form, and a crawler named in many files.
private let userAgents = ["etl/0.1 (+https://example.com/bot)", "Googlebot/2.1"]
/// Paths every parsed file is asked about (the input's last line is asked too).
private let paths = ["/", "/robots.txt", "/index.html", "/a/b?c=d", "/private/x.html", "/%2A$", "/fa/%D8%AE%D8%A8%D8%B1", ""]

/// libFuzzer's entry: parses the bytes as a robots.txt for two crawlers and asks each set of
/// rules for its verdict on a few paths.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    for userAgent in userAgents {
        let rules = RobotsRules(parsing: text, userAgent: userAgent)
        for path in paths + [lastLine] {
            _ = rules.verdict(forPath: path)
        }
        _ = rules.rules.map(\.line)
    }
    _ = RobotsRules.productToken(of: lastLine)
    return 0
}

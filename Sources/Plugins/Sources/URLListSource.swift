import ETLKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Source `urls`: URLs written in the pipeline, read from a text file, or both.
///
/// Inline URLs are checked when the pipeline is loaded (so `etl validate` reports them); the file is
/// only read by ``produce(into:context:)``, since options must not do I/O. The whole file is checked
/// before the first record is sent, so a typo on line 5000 stops the source before it starts rather
/// than halfway through; both passes read the file line by line, so its size does not matter. A pipe
/// (standard input, `-`) can be read once only: its lines are checked as they are sent.
public struct URLListSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "urls",
        kind: .source,
        summary: "URLs listed in the pipeline or in a text file, one per line.",
        discussion: """
            Give `urls`, `file`, or both; inline URLs come first, then the file's, in order. In the \
            file, blank lines and lines starting with `#` are skipped. Every URL must be absolute \
            http, https or file.
            """,
        options: [Option.urls.spec, Option.file.spec]
    )

    /// The URLs given inline, checked.
    public let urls: [String]
    /// The path of the URL list file, as given.
    public let file: String?
    /// The schemes of the URLs given inline; unknown when a list file is read too.
    public var urlSchemes: Set<String>? { file == nil ? Set(urls.map(Pipeline.scheme(of:))) : nil }

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let urls: OptionKey<[String]?> = .strings("urls", "A URL or a list of URLs (http, https or file).")
        static let file: OptionKey<String?> = .string(
            "file",
            "A text file with one URL per line; `#` starts a comment line. Relative to the current directory; \"-\" (or /dev/stdin) reads standard input, checked line by line as it comes."
        )
    }

    public init(options: PluginOptions) throws {
        let urls = options[Option.urls] ?? []
        let file = options[Option.file]
        if let file, file.trimmingWhitespace().isEmpty {
            throw OptionError(option: Option.file.name, "is empty (give the path of a text file with one URL per line)")
        }
        if urls.isEmpty && file == nil {
            throw OptionError(option: Option.urls.name, "is required unless \"file\" is given (give a URL, a list of URLs, or a file with one URL per line)")
        }
        self.urls = try urls.map { entry in
            let url = entry.trimmingWhitespace()
            if let problem = Self.problem(with: url) {
                throw OptionError(option: Option.urls.name, "has a bad URL \"\(entry)\": it \(problem)")
            }
            return url
        }
        self.file = file
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        // A pipe or a terminal (`-`, /dev/stdin) can be read only once: its lines are checked as they come.
        let path = file == Self.standardInputName ? "/dev/stdin" : file
        let readsOnce = path.map { !Self.isRegularFile($0) } ?? false
        if let path, !readsOnce {
            // First pass: check every line, so that a bad line stops the source before it sends anything.
            var reader = try Self.openList(path)
            while let line = try reader.nextURLLine() {
                if let problem = Self.problem(with: line.text) {
                    throw URLListSourceError.badLine(file: path, line: line.number, text: line.text, problem: problem)
                }
            }
        }
        for url in urls {
            try await output.send(Record(url: url, source: Self.descriptor.id))
        }
        if let path {
            var reader = try Self.openList(path)
            var count = 0
            // The user's own list: its hosts are named, as if written in the pipeline (``NamedHosts``).
            let named = context.services.value { NamedHosts() }
            // A list usually names one host line after line: it is named once per run of lines.
            var lastHost: String?
            while let line = try reader.nextURLLine() {
                if readsOnce, let problem = Self.problem(with: line.text) {
                    throw URLListSourceError.badLine(file: path, line: line.number, text: line.text, problem: problem)
                }
                if let host = URLHost.name(of: line.text), host != lastHost {
                    named.insert(name: host)
                    lastHost = host
                }
                // Not checked again: the first pass did, and a line changed since then still fails
                // at the fetcher, as a dead letter with its reason.
                try await output.send(Record(url: line.text, source: Self.descriptor.id))
                count += 1
            }
            if count == 0 {
                context.logger.warning("URL list \(path) has no URLs")
            }
        }
    }

    /// The `file` that means standard input.
    static let standardInputName = "-"

    /// Whether `path` is a regular file (which can be read twice), following links.
    private static func isRegularFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Why `text` is not a URL this source accepts, as a clause that follows "it" ("has no host"),
    /// or nil when it is fine.
    ///
    /// Foundation's parser percent-encodes what it does not like instead of failing, so the checks
    /// that matter are done here: no whitespace inside (two URLs on one line, or a pasted sentence),
    /// a supported scheme, a host for http(s), an absolute path for file.
    static func problem(with text: String) -> String? {
        if text.isEmpty { return "is empty" }
        // The usual line (`https://host/path`), read from its bytes: `URL(string:)` for every line
        // of a long list was 5% of the fetch benchmark.
        if CanonicalURL.isSimpleHTTPURL(text) { return nil }
        if text.containsWhitespace {
            return "contains white space"
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else {
            return "is not an absolute URL (it needs a scheme such as https://)"
        }
        switch scheme {
        case "http", "https":
            guard let host = url.host, !host.isEmpty else { return "has no host" }
            return nil
        case "file":
            guard url.path.hasPrefix("/") else { return "is not an absolute file URL (write file:///path/to/page.html)" }
            return nil
        default:
            return "has the unsupported scheme \"\(scheme)\" (use http, https or file)"
        }
    }
}

extension URLListSource {
    /// The URL list `file`, opened for reading line by line.
    static func openList(_ file: String) throws -> LineReader {
        do {
            return try LineReader(path: file)
        } catch {
            throw URLListSourceError.unreadableFile(file: error.path, reason: error.reason, underlying: error)
        }
    }
}

extension LineReader {
    /// A line that holds a URL: its text, trimmed, and its 1-based number in the file.
    struct URLLine {
        var number: Int
        var text: String
    }

    /// The next line that holds a URL: blank lines and `#` comment lines are skipped. Nil at the end
    /// of the file.
    mutating func nextURLLine() throws -> URLLine? {
        do {
            while let line = try nextLine() {
                var text = String(decoding: line, as: UTF8.self).trimmingWhitespace()
                if lineNumber == 1 && text.hasPrefix("\u{FEFF}") {
                    // A byte order mark, as some editors save it.
                    text = String(text.dropFirst()).trimmingWhitespace()
                }
                if text.isEmpty || text.hasPrefix("#") { continue }
                return URLLine(number: lineNumber, text: text)
            }
            return nil
        } catch {
            throw URLListSourceError.unreadableFile(file: error.path, reason: error.reason, underlying: error)
        }
    }
}

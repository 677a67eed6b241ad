import ETLKit
import ETLText
import Foundation

/// Source `corpus`: plain-text files in the corpus format of `reference/` and of the `text` sink —
/// title, blank line, lead, blank line, one paragraph per block — found by glob patterns as the
/// `files` source finds files.
///
/// Each file becomes a record that already carries its ``Record/document`` (the file's text), so no
/// fetcher runs, and the fields `title`, `lead`, `body` (the paragraphs, separated by blank lines)
/// and `url` (the file's `file://` URL). Blocks are split at blank lines (lines of white space only
/// count as blank); blank lines before the first block are skipped; line breaks inside a block are
/// kept. Nothing else is judged here: what an old scraper left in the text is the `leftovers`
/// transform's work.
public struct CorpusSource: Source {
    public static let descriptor = PluginDescriptor(
        id: "corpus",
        kind: .source,
        summary: "Plain-text corpus files (title, blank line, lead, blank line, paragraphs) as records with title, lead and body.",
        discussion: """
            Patterns work as in the `files` source (`*`, `?`, `[…]`, `**`). Records carry the file's text as \
            their document, so no fetcher runs. The charset is taken from a byte-order mark, else UTF-8, unless \
            `charset` names one.
            """,
        options: [Option.glob.spec, FileSource.Option.allowEmpty.spec, Option.charset.spec]
    )

    /// The file matching, shared with the `files` source.
    var files: FileSource
    public let charset: String?
    /// Its records carry their text: nothing to fetch.
    public var urlSchemes: Set<String>? { [] }

    /// The directory relative patterns start from (tests); nil for the current directory.
    var baseDirectory: String? {
        get { files.baseDirectory }
        set { files.baseDirectory = newValue }
    }

    /// The options, each declared once (``OptionKey``); `glob` and `allowEmpty` are read by the `files` source.
    enum Option {
        static let glob: OptionKey<[String]> = .strings("glob", required: true, "A glob pattern or a list of them, such as \"corpus/*.txt\".")
        static let charset: OptionKey<String?> = .string("charset", "The files' charset when it is not UTF-8 (such as \"windows-1256\").")
    }

    public init(options: PluginOptions) throws {
        files = try FileSource(options: options)
        charset = options[Option.charset]
        if let charset, TextDecoding.canonicalCharset(for: charset) == nil {
            throw OptionError(option: Option.charset.name, "is \"\(charset)\", which this system cannot decode")
        }
    }

    public func produce(into output: RecordOutput, context: RunContext) async throws {
        for url in try files.matchingFileURLs() {
            guard let path = URL(string: url)?.path else { continue }
            let bytes: [UInt8]
            do {
                bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw CorpusSourceError.unreadable(path: path, reason: error.localizedDescription, underlying: error)
            }
            try await output.send(Self.record(url: url, bytes: bytes, charset: charset))
        }
    }

    /// The record for one file's bytes.
    static func record(url: String, bytes: [UInt8], charset: String? = nil) -> Record {
        let decoded = TextDecoding.decode(bytes, contentType: "text/plain", forcedCharset: charset)
        let parts = parse(decoded.text)
        var record = Record(url: url, source: descriptor.id)
        record.document = Document(text: decoded.text, mediaType: "text/plain", charset: decoded.charset)
        record.fields[ArticleField.url] = .string(url)
        if let title = parts.title { record.fields[ArticleField.title] = .string(title) }
        if let lead = parts.lead { record.fields[ArticleField.lead] = .string(lead) }
        record.fields[ArticleField.body] = .string(parts.paragraphs.joined(separator: "\n\n"))
        return record
    }

    /// Title, lead and paragraphs of a corpus text: its blocks, in order.
    static func parse(_ text: String) -> (title: String?, lead: String?, paragraphs: [String]) {
        var blocks = self.blocks(text)
        let title = blocks.isEmpty ? nil : blocks.removeFirst()
        let lead = blocks.isEmpty ? nil : blocks.removeFirst()
        return (title, lead, blocks)
    }

    /// The text's blocks: runs of lines that are not blank, lines joined by line breaks. Line ends
    /// `\r\n` and `\r` count as `\n`.
    static func blocks(_ text: String) -> [String] {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var blocks: [String] = []
        var current: [String] = []
        for line in unified.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.unicodeScalars.allSatisfy(TextFold.isSpace) {
                if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(String(line))
            }
        }
        if !current.isEmpty { blocks.append(current.joined(separator: "\n")) }
        return blocks
    }
}

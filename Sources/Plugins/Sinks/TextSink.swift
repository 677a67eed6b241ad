import ETLKit
import Foundation

/// Sink `text`: one plain-text file per record, in the corpus format of `reference/`.
///
/// A file holds the title, a blank line, the lead, a blank line, then the body's paragraphs
/// separated by blank lines; a missing title or lead is left out, not written as an empty line. Like
/// the reference files, a file does not end with a line break. Title and lead are one line each
/// (line breaks inside them become spaces), since a blank line inside them would read as the next
/// part.
///
/// Files are named `NNN_<16 hex>.txt`: a sequence number (three digits, more past 999) and the
/// first 16 hex digits of the SHA-256 of the record's ``Record/url``. At open the sink reads the
/// names already in the directory, so a re-run overwrites the file of a URL it wrote before and
/// numbers new URLs after the highest number there.
///
/// The sink never writes outside its directory: names are made from a number and a hash, never from
/// the record. Each file is written to a hidden file in the same directory and renamed over the
/// target (``OutputFile``), so a reader (or a killed run) never sees half a file; the sink refuses
/// when the target name is a symbolic link, so that a planted link is reported instead of silently
/// replaced. There is no overwrite mode for the whole folder: a file is replaced when its record is
/// written, and a failed run leaves the files it did not reach as they were.
public actor TextSink: Sink {
    public static let descriptor = PluginDescriptor(
        id: "text",
        kind: .sink,
        summary: "Writes each record as a plain-text corpus file: title, lead, body paragraphs.",
        discussion: """
            Files are named NNN_<16 hex digits of the SHA-256 of the URL>.txt. A re-run overwrites \
            the file of a URL written before and numbers new URLs after the highest existing number. \
            A directory of "-" writes the texts to standard output instead, each followed by a line \
            holding only a form feed (U+000C), which no corpus text contains.
            """,
        options: [Option.directory.spec]
    )

    /// The options, each declared once (``OptionKey``).
    enum Option {
        static let directory: OptionKey<String?> = .string(
            "directory", required: true, "The folder to write the files into, created if missing; \"-\" for standard output.")
    }

    public nonisolated let directory: String
    public nonisolated var outputPath: String? { writesToStandardOutput ? nil : directory }
    /// Whether the texts go to standard output (`"directory": "-"`), one after another.
    public nonisolated var writesToStandardOutput: Bool { directory == OutputFile.standardOutputPath }
    /// What follows each text on standard output: a line holding only a form feed.
    static let standardOutputSeparator = Array("\n\u{0C}\n".utf8)

    /// File names already in the directory, by URL hash.
    private var fileNames: [String: String] = [:]
    /// The number the next new file gets.
    private var nextNumber = 0
    private var isOpen = false

    public init(options: PluginOptions) throws {
        guard let directory = options[Option.directory], !directory.isEmpty else {
            throw OptionError(option: Option.directory.name, "must name a folder, such as \"out/corpus\"")
        }
        self.directory = directory
    }

    public func open(context: RunContext) async throws {
        if writesToStandardOutput {
            isOpen = true
            return
        }
        let names: [String]
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            OutputFile.removeAbandonedFiles(in: directory)
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw TextSinkError.cannotOpen(directory: directory, reason: Self.reason(for: error), underlying: error)
        }
        fileNames = [:]
        nextNumber = 0
        // Sorted, so that if a hash has two files (copied by hand), the lowest number wins every run.
        for name in names.sorted() {
            guard let (number, hash) = Self.parseFileName(name) else { continue }
            if fileNames[hash] == nil { fileNames[hash] = name }
            nextNumber = max(nextNumber, number + 1)
        }
        isOpen = true
        context.logger.debug("text sink: \(fileNames.count) files in \(directory), next number \(nextNumber)")
    }

    public func write(_ record: Record) async throws {
        guard isOpen else { throw TextSinkError.notOpen(directory: directory) }
        guard let text = Self.corpusText(for: record) else {
            throw TextSinkError.nothingToWrite(url: record.url)
        }
        if writesToStandardOutput {
            if let reason = POSIXFile.writeAll(Array(text.utf8) + Self.standardOutputSeparator, to: STDOUT_FILENO) {
                throw TextSinkError.writeFailed(path: "standard output", reason: reason)
            }
            return
        }
        let hash = Self.urlHash(record.url)
        let isNew = fileNames[hash] == nil
        let name = fileNames[hash] ?? Self.fileName(number: nextNumber, hash: hash)
        try writeAtomically(Array(text.utf8), named: name)
        if isNew {
            fileNames[hash] = name
            nextNumber += 1
        }
    }

    public func close() async throws {
        isOpen = false
    }

    // MARK: Names

    /// The first 16 hex digits of the SHA-256 of a URL.
    static func urlHash(_ url: String) -> String {
        String(MessageDigest.hex(.sha256, of: url).prefix(16))
    }

    /// `007_0123456789abcdef.txt`.
    static func fileName(number: Int, hash: String) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "_" + hash + ".txt"
    }

    /// The number and hash of a name the sink could have made, or nil for any other name.
    static func parseFileName(_ name: String) -> (number: Int, hash: String)? {
        guard name.hasSuffix(".txt") else { return nil }
        let stem = name.dropLast(4)
        guard let separator = stem.firstIndex(of: "_") else { return nil }
        let numberText = stem[..<separator]
        let hash = stem[stem.index(after: separator)...]
        guard numberText.count >= 3, numberText.allSatisfy({ $0.isASCII && $0.isNumber }),
            hash.count == 16, hash.allSatisfy({ $0.isASCII && $0.isHexDigit && !$0.isUppercase }),
            let number = Int(numberText)
        else { return nil }
        return (number, String(hash))
    }

    // MARK: Text

    /// The file's text, or nil when the record has no title, lead or body.
    public static func corpusText(for record: Record) -> String? {
        var parts: [String] = []
        if let title = singleLine(record.fields[ArticleField.title]) { parts.append(title) }
        if let lead = singleLine(record.fields[ArticleField.lead]) { parts.append(lead) }
        parts.append(contentsOf: paragraphs(record.fields[ArticleField.body]))
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// A value as one trimmed line, or nil when it is missing or blank.
    private static func singleLine(_ value: JSONValue?) -> String? {
        guard let value, !value.isNull else { return nil }
        let line = lines(of: value.plainText)
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        return line.isEmpty ? nil : line
    }

    /// The body's paragraphs, trimmed, without empty ones: a string is split at blank lines; each
    /// element of a list is a paragraph (split further if it holds blank lines itself).
    private static func paragraphs(_ value: JSONValue?) -> [String] {
        guard let value else { return [] }
        switch value {
        case .null: return []
        case .array(let elements): return elements.flatMap { paragraphs(in: $0.plainText) }
        default: return paragraphs(in: value.plainText)
        }
    }

    private static func paragraphs(in text: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        func finish() {
            let paragraph = current.joined(separator: "\n").trimmingWhitespace()
            if !paragraph.isEmpty { result.append(paragraph) }
            current = []
        }
        for line in lines(of: text) {
            if line.trimmingWhitespace().isEmpty {
                finish()
            } else {
                current.append(line)
            }
        }
        finish()
        return result
    }

    /// The lines of a text, with `\r\n` and `\r` taken as line breaks too.
    private static func lines(of text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    // MARK: Files

    /// Writes `bytes` to a hidden file in the directory, then renames it to `name` (``OutputFile``).
    private func writeAtomically(_ bytes: [UInt8], named name: String) throws {
        let target = (directory as NSString).appendingPathComponent(name)
        let output: OutputFile
        do {
            output = try OutputFile.replacing(target)
        } catch {
            switch error.code {
            case .symbolicLink: throw TextSinkError.symbolicLink(path: target)
            case .notAFile: throw TextSinkError.notRegularFile(path: target)
            default: throw TextSinkError.writeFailed(path: target, reason: error.reason, underlying: error)
            }
        }
        var failure = POSIXFile.writeAll(bytes, to: output.descriptor)
        if let closing = output.close(), failure == nil {
            failure = closing
        }
        if let failure {
            output.discard()
            throw TextSinkError.writeFailed(path: target, reason: failure)
        }
        do {
            try output.commit()
        } catch {
            throw TextSinkError.writeFailed(path: target, reason: error.reason, underlying: error)
        }
    }

    private static func reason(for error: any Error) -> String {
        (error as? CocoaError)?.localizedDescription ?? String(describing: error)
    }
}

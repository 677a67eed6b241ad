import Foundation

/// What the demo pages must become, from `Fixtures/demo-expected.json` (written by hand from the
/// reference articles, with every ZWNJ put back).
struct DemoExpectation: Decodable {
    var title: String
    var pretitle: String?
    var lead: String
    var published: String?
    var newsId: String?
    var category: String?
    var site: String?
    var canonicalUrl: String?
    var language: String?
    var paragraphs: [String]
    var zwnjCount: Int
    var boilerplate: [String]

    /// Expectations by page file name (`isna.html`).
    static func all() throws -> [String: DemoExpectation] {
        let file = CommandLineTool.packageRoot.appendingPathComponent("Tests/ETLTests/Fixtures/demo-expected.json")
        return try JSONDecoder().decode([String: DemoExpectation].self, from: Data(contentsOf: file))
    }

    /// The folder of demo pages.
    static var pagesFolder: URL {
        CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages")
    }
}

/// Reads a JSONL file into objects.
func readJSONLines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

/// The number of U+200C in a text.
func zeroWidthNonJoiners(in text: String) -> Int {
    text.unicodeScalars.filter { $0 == "\u{200C}" }.count
}

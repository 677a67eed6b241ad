import Foundation

/// What the demo pages must become, from `Fixtures/demo-expected.json` (written by hand from the
/// reference articles, with every ZWNJ put back).
package struct DemoExpectation: Decodable {
    package var title: String
    package var pretitle: String?
    package var lead: String
    package var published: String?
    package var newsId: String?
    package var category: String?
    package var site: String?
    package var canonicalUrl: String?
    package var language: String?
    package var paragraphs: [String]
    package var zwnjCount: Int
    package var boilerplate: [String]

    /// Expectations by page file name (`isna.html`).
    package static func all() throws -> [String: DemoExpectation] {
        let file = CommandLineTool.packageRoot.appendingPathComponent("Tests/Fixtures/demo-expected.json")
        return try JSONDecoder().decode([String: DemoExpectation].self, from: Data(contentsOf: file))
    }

    /// The folder of demo pages.
    package static var pagesFolder: URL {
        CommandLineTool.packageRoot.appendingPathComponent("pipelines/demo-pages")
    }
}

/// Reads a JSONL file into objects.
package func readJSONLines(_ path: String) throws -> [[String: Any]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return try text.split(separator: "\n").map { line in
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

/// The number of U+200C in a text.
package func zeroWidthNonJoiners(in text: String) -> Int {
    text.unicodeScalars.filter { $0 == "\u{200C}" }.count
}

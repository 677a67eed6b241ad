import ETLPlugins
import ETLText
import Foundation

// etl-bench-zwnj FOLDER: for every JSON article under FOLDER (title + content paragraphs), strips every
// U+200C, restores with etl's ZWNJRestorer, and compares word by word (split on white space) with the
// original. Recall: share of original words with a ZWNJ that come back exactly. False changes: share
// of original words without a ZWNJ that come back different.

let arguments = CommandLine.arguments
guard arguments.count == 2 || (arguments.count == 3 && arguments[2] == "--all") else {
    FileHandle.standardError.write(Data("usage: etl-bench-zwnj CORPUS_FOLDER [--all]\n".utf8))
    exit(2)
}
guard let restorer = ZWNJRestorer.shipped else {
    FileHandle.standardError.write(Data("etl-bench-zwnj: the Persian lexicon resource could not be read\n".utf8))
    exit(1)
}

/// The texts of one article: title and content paragraphs.
func texts(of url: URL) -> [String] {
    guard let data = try? Data(contentsOf: url),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [] }
    var texts = [String]()
    if let title = object["title"] as? String { texts.append(title) }
    for paragraph in object["content"] as? [[String: Any]] ?? [] {
        if let text = paragraph["text"] as? String { texts.append(text) }
    }
    return texts
}

func words(_ text: String) -> [String] {
    text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
}

let folder = URL(fileURLWithPath: arguments[1])
var files = [URL]()
if let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) {
    for case let url as URL in walker where url.pathExtension == "json" { files.append(url) }
}
files.sort { $0.path < $1.path }

var withZWNJ = 0
var restored = 0
var withoutZWNJ = 0
var changed = 0
// Words whose ZWNJ the restorer leaves out by design: after a letter that does not join (خودرو‌های,
// روز‌ها: invisible there) or at a word's edge. Counted apart to show the recall on the rest.
var byDesign = 0
var restoredByDesign = 0
func zwnjOnlyAfterJoiningLetters(_ word: String) -> Bool {
    let scalars = Array(word.unicodeScalars)
    for (index, scalar) in scalars.enumerated() where scalar == PersianText.zwnj {
        guard index > 0, index + 1 < scalars.count, PersianText.joinsToTheLeft(scalars[index - 1]),
            PersianText.isPersianLetter(scalars[index + 1])
        else { return false }
    }
    return true
}
var misses = [String: Int]()
var falseChanges = [String: Int]()
let started = Date()
// Time spent in the restorer alone, and the UTF-8 size of what it was given.
var restoreSeconds = 0.0
var restoredBytes = 0
for file in files {
    for text in texts(of: file) {
        let original = words(text)
        let stripped = PersianText.removingZWNJ(text)
        let clock = ContinuousClock.now
        let restoredText = restorer.restore(in: stripped)
        let elapsed = ContinuousClock.now - clock
        restoreSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        restoredBytes += stripped.utf8.count
        let output = words(restoredText)
        guard original.count == output.count else { continue }
        for (word, result) in zip(original, output) {
            if word.unicodeScalars.contains(PersianText.zwnj) {
                withZWNJ += 1
                let same = word.unicodeScalars.elementsEqual(result.unicodeScalars)
                if !zwnjOnlyAfterJoiningLetters(word) {
                    byDesign += 1
                    if same { restoredByDesign += 1 }
                }
                if same { restored += 1 } else { misses[word + " ← " + result, default: 0] += 1 }
            } else {
                withoutZWNJ += 1
                if !word.unicodeScalars.elementsEqual(result.unicodeScalars) {
                    changed += 1
                    falseChanges[word + " → " + result, default: 0] += 1
                }
            }
        }
    }
}
func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.2f%%", whole == 0 ? 0 : Double(part) * 100 / Double(whole)) }
print("articles: \(files.count), words: \(withZWNJ + withoutZWNJ), in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
print(String(format: "restorer: %.3f s for %.2f MB = %.1f ms per MB", restoreSeconds, Double(restoredBytes) / 1e6, restoreSeconds * 1e3 / (Double(restoredBytes) / 1e6)))
print("recall: \(restored)/\(withZWNJ) words with a ZWNJ restored exactly = \(percent(restored, withZWNJ))")
print(
    "  of which \(byDesign) have a ZWNJ after a non-joining letter or at a word's edge (left out by design); "
        + "recall on the other \(withZWNJ - byDesign) = \(percent(restored - restoredByDesign, withZWNJ - byDesign))")
print("false changes: \(changed)/\(withoutZWNJ) words without a ZWNJ changed = \(percent(changed, withoutZWNJ))")
let limit = arguments.contains("--all") ? Int.max : 20
print("\nmost frequent misses (original ← restored):")
for (miss, count) in misses.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }).prefix(limit == Int.max ? Int.max : 20) {
    print("  \(count)× \(miss)")
}
print("\nmost frequent false changes (original → restored):")
for (change, count) in falseChanges.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }).prefix(limit == Int.max ? Int.max : 10) {
    print("  \(count)× \(change)")
}

import CLibXML2
import ETLKit
import ETLPlugins
import Foundation

/// `etl-bench-parse [--mode parse|clean|extract[,…]] [--repeat N] FILE…`: pages per second on one
/// thread, for the extraction benchmark's floor (a bare libxml2 tree parse) and for `etl`'s cleaner
/// and extractor on the same pages, in process, without file reading or record plumbing in the timing.
///
/// Several modes (`--mode parse,extract`) take turns within each repeat and print one line each:
/// on a shared machine their ratio is then measured under the same conditions, where two separate
/// runs could each meet a different load.
@main
struct ParseBenchmark {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var mode = "parse"
        var repeats = 3
        while let first = arguments.first, first.hasPrefix("--") {
            arguments.removeFirst()
            switch first {
            case "--mode": mode = arguments.isEmpty ? mode : arguments.removeFirst()
            case "--repeat": repeats = arguments.isEmpty ? repeats : Int(arguments.removeFirst()) ?? repeats
            default:
                FileHandle.standardError.write(Data("unknown option \(first)\n".utf8))
                exit(2)
            }
        }
        let modes = mode.split(separator: ",").map(String.init)
        guard !arguments.isEmpty, !modes.isEmpty, modes.allSatisfy(["parse", "clean", "extract"].contains) else {
            FileHandle.standardError.write(Data("usage: etl-bench-parse [--mode parse|clean|extract[,…]] [--repeat N] FILE…\n".utf8))
            exit(2)
        }
        _ = PluginRegistry.builtins  // initialises libxml2 once
        let pages = arguments.compactMap { FileManager.default.contents(atPath: $0) }.map { String(decoding: $0, as: UTF8.self) }
        let cleaner = try HTMLCleaner(options: PluginOptions())
        let extractor = try ArticleExtractor(options: PluginOptions())
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)

        var best = [Double](repeating: .infinity, count: modes.count)
        var characters = 0
        for _ in 0..<max(1, repeats) {
            for (number, mode) in modes.enumerated() {
                let start = ContinuousClock.now
                characters = 0
                for page in pages {
                    switch mode {
                    case "parse":
                        var text = page
                        text.withUTF8 { buffer in
                            guard let base = buffer.baseAddress else { return }
                            let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
                            }
                            if let document { xmlFreeDoc(document) }
                        }
                    case "clean":
                        characters += try cleaner.page(from: page, url: "bench").bodyText.count
                    default:
                        let cleaned = try cleaner.page(from: page, url: "bench")
                        characters += extractor.extract(page: cleaned, url: "bench").count
                    }
                }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                best[number] = min(best[number], seconds)
            }
        }
        for (number, mode) in modes.enumerated() {
            print(
                String(format: "%@: %d pages, best of %d: %.3f s, %.1f pages/s", mode, pages.count, repeats, best[number], Double(pages.count) / best[number]))
        }
        _ = characters
    }
}

import ETLKit
import ETLPlugins
import ETLText

/// The cleaner and the extractor with their default options, built once. Building the registry
/// first sets libxml2 up (and silences its error output) as `etl` does.
private let tools: (cleaner: HTMLCleaner, extractor: ArticleExtractor)? = {
    _ = PluginRegistry.builtins
    guard let cleaner = try? HTMLCleaner(options: PluginOptions()),
        let extractor = try? ArticleExtractor(options: PluginOptions())
    else { return nil }
    return (cleaner, extractor)
}()

/// A URL of a Persian site, so that the extractor's place and calendar guesses run too.
private let url = "https://www.example.ir/news/1"

/// libFuzzer's entry: decodes the bytes as an HTML response, cleans the page with the `html`
/// cleaner and extracts the article from it, as the default steps do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let tools else { fatalError("the html cleaner or the article extractor could not be built") }
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let text = TextDecoding.decode(bytes, contentType: "text/html").text
    guard let page = try? tools.cleaner.page(from: text, url: url) else { return 0 }
    _ = tools.extractor.extract(page: page, url: url)
    return 0
}

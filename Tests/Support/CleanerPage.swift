import ETLKit
import ETLPlugins

extension HTMLCleaner {
    /// `body` (and `head`) in a whole document of `language`, cleaned: the cleaner suites' pages.
    package func page(body: String, head: String = "", language: String) throws -> Page {
        try page(from: "<html lang=\"\(language)\"><head>\(head)</head><body>\(body)</body></html>", url: "test")
    }
}

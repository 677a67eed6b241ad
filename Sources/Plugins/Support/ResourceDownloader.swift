import ETLHTTP
import ETLKit
import Foundation

/// Fetches a whole document for a source — a feed, a sitemap, a home page — over http(s), or from a
/// local file; gzip files (`sitemap.xml.gz`) come back decompressed. Sources use it before any
/// record exists, so it is not the pipeline's fetcher, but it downloads through an ``HTTPFetcher``:
/// robots.txt, the run's per-host schedule and retries hold for a source's downloads as for pages.
///
/// A document a source found in another one (a sitemap index's child, a robots.txt `Sitemap:` line,
/// a feed a home page announces) is downloaded with that document's URL as `foundIn`: when that
/// one came over the network, only an http(s) URL is fetched, anything else is refused unread
/// (``UntrustedScheme``).
struct ResourceDownloader: Sendable {
    /// Why a document could not be had.
    enum Failure: Error, Sendable, CustomStringConvertible {
        case unreachable(url: String, reason: String)
        case status(url: String, status: Int)
        case unusable(url: String, reason: String)
        /// A URL from fetched content that is not http(s): not read.
        case refused(UntrustedScheme)

        var description: String {
            switch self {
            case .unreachable(let url, let reason): return "\(url) could not be fetched: \(reason)"
            case .status(let url, let status): return "\(url) answered HTTP \(status)"
            case .unusable(let url, let reason): return "\(url) is \(reason)"
            case .refused(let refusal): return refusal.description
            }
        }
    }

    /// The fetcher the downloads go through.
    let fetcher: HTTPFetcher
    /// Largest document accepted, compressed or not (the sitemap protocol allows 50 MB).
    let maxBytes: Int

    /// A downloader with the source's ``HTTPFetcher/sourceOptions(timeout:documents:)``.
    init(options: PluginOptions, defaultTimeout: Double, maxBytes: Int = 50 * 1024 * 1024) throws {
        fetcher = try HTTPFetcher(sourceOptions: options, defaultTimeout: defaultTimeout, maxBytes: maxBytes)
        self.maxBytes = maxBytes
    }

    /// The document's bytes, decompressed when they are a gzip file. `foundIn`: the URL of the
    /// document `url` was found in, nil when the user named it.
    func download(_ url: String, foundIn: String?, context: RunContext) async throws(Failure) -> [UInt8] {
        if let foundIn, let refusal = UntrustedScheme(url, foundIn: foundIn) { throw .refused(refusal) }
        var bytes: [UInt8]
        if UntrustedScheme.isWeb(url) {
            let result: HTTPTransferResult
            do {
                result = try await fetcher.download(url, context: context)
            } catch {
                throw .unreachable(url: url, reason: String(describing: error))
            }
            guard (200..<300).contains(result.status) else { throw .status(url: url, status: result.status) }
            bytes = result.body
        } else {
            let path = (try? FileFetcher.path(of: url)) ?? url
            guard let data = FileManager.default.contents(atPath: path) else { throw .unreachable(url: url, reason: "cannot read \(path)") }
            bytes = Array(data)
        }
        if Gzip.isCompressed(bytes) {
            do {
                bytes = try Gzip.decompress(bytes, limit: maxBytes)
            } catch {
                throw .unusable(url: url, reason: error.description)
            }
        }
        return bytes
    }

    /// The sitemaps the robots.txt of `site`'s origin lists (read once per run, shared with the
    /// fetchers' robots.txt checks), each with the robots.txt URL as the document it was found in.
    func sitemaps(listedFor site: String, context: RunContext) async -> [(url: String, foundIn: String)] {
        guard let robotsURL = RobotsCache.target(of: site + "/")?.robotsURL,
            let rules = await fetcher.robotsRules(for: site + "/", context: context)
        else { return [] }
        return rules.sitemaps.map { ($0, robotsURL) }
    }
}

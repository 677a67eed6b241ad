import ETLKit
import Foundation

/// Fetches a whole document for a source — a feed, a sitemap — over http(s) through libcurl, or from
/// a local file; gzip files (`sitemap.xml.gz`) come back decompressed. Sources use it before any
/// record exists, so it is not the pipeline's fetcher.
struct ResourceDownloader: Sendable {
    /// Why a document could not be had.
    enum Failure: Error, Sendable, CustomStringConvertible {
        case unreachable(url: String, reason: String)
        case status(url: String, status: Int)
        case unusable(url: String, reason: String)

        var description: String {
            switch self {
            case .unreachable(let url, let reason): return "\(url) could not be fetched: \(reason)"
            case .status(let url, let status): return "\(url) answered HTTP \(status)"
            case .unusable(let url, let reason): return "\(url) is \(reason)"
            }
        }
    }

    let client: CurlMultiClient
    /// Largest document accepted, compressed or not (the sitemap protocol allows 50 MB).
    let maxBytes: Int

    init(timeout: Double, userAgent: String, maxBytes: Int = 50 * 1024 * 1024) {
        var configuration = CurlMultiClient.Configuration()
        configuration.timeout = timeout
        configuration.userAgent = userAgent
        configuration.perHost = 1
        configuration.maxBytes = maxBytes
        client = CurlMultiClient(configuration: configuration)
        self.maxBytes = maxBytes
    }

    /// The document's bytes, decompressed when they are a gzip file.
    func download(_ url: String) async throws(Failure) -> [UInt8] {
        var bytes: [UInt8]
        if url.hasPrefix("http://") || url.hasPrefix("https://") {
            let result: HTTPTransferResult
            do {
                result = try await client.get(url)
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
}

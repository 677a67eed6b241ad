import ETLHTTP
import ETLKit

/// A remote WARC file read over http(s) a range at a time (`Range: bytes=…`), through the `http`
/// fetcher's machinery: its per-host delay between requests, robots.txt, retries and the
/// destination checks (a remote file may not lead to a private address the pipeline did not name,
/// nor, by a redirect, to a local file). Memory holds one range, whatever the file's size.
///
/// A server that ignores ranges (200 instead of 206) sends the whole file: accepted when it fits
/// in one range's size, an error otherwise (reading it would hold all of it).
final class WARCRemoteInput: WARCByteInput {
    /// Bytes asked for per request: large enough that the per-host delay costs little, small
    /// enough to hold.
    static let defaultRangeSize = 8 << 20

    let url: String
    private let fetcher: HTTPFetcher
    private let context: RunContext
    private let rangeSize: Int
    /// The next byte to ask for, and the last byte wanted (nil: to the file's end).
    private var offset: Int
    private var last: Int?
    private var ended = false

    /// Reads `url` from byte `offset`, `length` bytes (nil: to its end), `rangeSize` bytes per
    /// request. `fetcher` is the source's, built with a `maxBytes` of at least `rangeSize`.
    init(url: String, fetcher: HTTPFetcher, context: RunContext, offset: Int = 0, length: Int? = nil, rangeSize: Int = defaultRangeSize) {
        self.url = url
        self.fetcher = fetcher
        self.context = context
        self.offset = offset
        self.last = length.map { offset + $0 - 1 }
        self.rangeSize = rangeSize
    }

    func nextChunk() async throws(WARCReadError) -> [UInt8]? {
        guard !ended else { return nil }
        var end = offset + rangeSize - 1
        if let last { end = min(end, last) }
        guard end >= offset else {
            ended = true
            return nil
        }
        let result: HTTPTransferResult
        do {
            result = try await fetcher.download(url, range: offset...end, context: context)
        } catch {
            throw WARCReadError(source: url, offset: offset, reason: "cannot download bytes \(offset)–\(end): \(error)")
        }
        switch result.status {
        case 206:
            guard !result.body.isEmpty else { throw WARCReadError(source: url, offset: offset, reason: "the server sent an empty range") }
            if let total = Self.totalSize(result.headers.last { $0.name == "content-range" }?.value) {
                last = min(last ?? total - 1, total - 1)
            }
            offset += result.body.count
            if let last, offset > last { ended = true }
            return result.body
        case 200 where offset == 0 && last == nil:
            // The whole file, from a server without ranges; it fitted in one range's size.
            ended = true
            return result.body.isEmpty ? nil : result.body
        case 200:
            throw WARCReadError(source: url, offset: offset, reason: "the server does not answer range requests (HTTP 200 to bytes=\(offset)-\(end))")
        case 416 where offset > 0:
            ended = true
            return nil
        default:
            throw WARCReadError(source: url, offset: offset, reason: "HTTP status \(result.status) to bytes=\(offset)-\(end)")
        }
    }

    /// The file's size from a `Content-Range: bytes 0-99/1234` value, when it gives one.
    static func totalSize(_ contentRange: String?) -> Int? {
        guard let contentRange, let slash = contentRange.lastIndex(of: "/") else { return nil }
        return Int(contentRange[contentRange.index(after: slash)...].trimmingWhitespace())
    }
}

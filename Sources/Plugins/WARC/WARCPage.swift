import ETLHTTP
import ETLKit
import ETLText
import Foundation
import Logging

/// A page as a WARC `response` or `resource` record holds it: the target URL, when it was
/// captured, and the HTTP response (status, header fields, body as received). The `warc` and `cdx`
/// sources make their records from it, so that the pipeline's steps run on an archived page as
/// they would on a fetched one, with no fetch.
package struct WARCPage: Sendable {
    /// Why a record is not a page etl can use.
    package struct Failure: Error, Sendable {
        package var reason: String
    }

    /// `WARC-Target-URI`.
    var url: String
    /// `WARC-Date`.
    var date: Date
    var status: Int
    /// Header fields in order, names in lower case (as ``Response/headers``).
    var headers: [(name: String, value: String)]
    /// The status line and header fields as stored (empty for a `resource` record).
    var head: [UInt8]
    /// The body as stored: for a response, still in its transfer and content codings.
    package var body: [UInt8]
    /// `WARC-IP-Address`.
    var remoteAddress: String?

    /// The page of a `response` record (its block an HTTP response) or a `resource` record (its
    /// block the content itself, typed by the record's Content-Type; status 200).
    package init(fields: WARCFields, block: [UInt8]) throws(Failure) {
        guard let url = fields["WARC-Target-URI"], !url.isEmpty else { throw Failure(reason: "no WARC-Target-URI") }
        guard let dateText = fields["WARC-Date"], let date = WARCDate.parse(dateText) else {
            throw Failure(reason: "no valid WARC-Date (\(fields["WARC-Date"] ?? "none"))")
        }
        // Angle brackets around the URI are WARC/1.0's grammar, written by some tools still.
        self.url = url.hasPrefix("<") && url.hasSuffix(">") ? String(url.dropFirst().dropLast()) : url
        self.date = date
        remoteAddress = fields["WARC-IP-Address"]
        if fields.type == WARCRecord.Kind.resource.rawValue {
            status = 200
            headers = fields["Content-Type"].map { [(name: "content-type", value: $0)] } ?? []
            head = []
            body = block
            return
        }
        (status, headers, head, body) = try Self.parseResponse(block)
    }

    /// A revisit record's page: the original's status, header fields and body, at the revisit's
    /// URL, date and address (the moment the page was found to be the same).
    init(revisit fields: WARCFields, original: WARCPage) {
        self = original
        if let url = fields["WARC-Target-URI"], !url.isEmpty { self.url = url }
        if let dateText = fields["WARC-Date"], let date = WARCDate.parse(dateText) { self.date = date }
        remoteAddress = fields["WARC-IP-Address"] ?? original.remoteAddress
    }

    /// The header value of the last field named `name` (lower case).
    package func header(_ name: String) -> String? {
        headers.last { $0.name == name }?.value
    }

    /// The media type of the content, lower case without parameters.
    var mediaType: String? {
        header("content-type").flatMap(TextDecoding.mediaType(ofContentType:))
    }

    /// For a redirect (301, 302, 303, 307, 308 with a Location): where it points, resolved
    /// against the page's URL.
    var redirectTarget: String? {
        guard HTTPFetcher.redirectStatuses.contains(status), let location = header("location"), !location.isEmpty else { return nil }
        return URL(string: location, relativeTo: URL(string: url))?.absoluteString
    }

    /// The record the pipeline gets: the body decoded (transfer and content codings, then the
    /// charset as the fetcher does it), the stored header fields and status, `WARC-Date` as
    /// `fetchedAt`. `requestedURL` is where redirects began, when the archive holds them.
    /// With `keepingExchange` the response keeps the stored bytes (``Response/exchanges``), for a
    /// `warc` sink that writes them again. Throws for a body that cannot be decoded.
    package func record(source: String, foundIn: String, requestedURL: String?, maxBytes: Int, keepingExchange: Bool, logger: Logger) throws -> Record {
        let content = try HTTPBodyDecoding.decode(
            body, transferEncoding: head.isEmpty ? nil : header("transfer-encoding"),
            contentEncoding: head.isEmpty ? nil : header("content-encoding"), limit: maxBytes)
        let contentType = header("content-type")
        let decoded = try TextDecoding.decode(content, contentType: contentType).checked(url: url, logger: logger)
        var record = Record(url: requestedURL ?? url, source: source, foundIn: foundIn)
        var response = Response(finalURL: url, status: status, headers: headers, totalTime: 0, bodySize: content.count, fetchedAt: date)
        if keepingExchange, !head.isEmpty {
            response.exchanges = [
                HTTPExchange(
                    url: url, request: [], responseHead: head, responseBody: body, remoteAddress: remoteAddress,
                    requestedAt: date, receivedAt: date)
            ]
        }
        record.response = response
        record.document = Document(text: decoded.text, mediaType: contentType.flatMap(TextDecoding.mediaType(ofContentType:)), charset: decoded.charset)
        return record
    }

    /// Status, header fields, head bytes and body of an HTTP response block, read where the bytes
    /// lie: lines found by `memchr`, strings made for the header fields only.
    private static func parseResponse(_ block: [UInt8]) throws(Failure) -> (Int, [(name: String, value: String)], [UInt8], [UInt8]) {
        let head: Result<(status: Int, headers: HeaderLines, bodyStart: Int), Failure> = block.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return .failure(Failure(reason: "the HTTP response has no end of header")) }
            // The head ends at the first empty line; a bare LF line ending is tolerated.
            var statusLine: UnsafeBufferPointer<UInt8>?
            var headerLines = HeaderLines()
            var index = 0
            while index < all.count, let found = memchr(base + index, 0x0A, all.count - index) {
                let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let lineEnd = newline > index && all[newline - 1] == 0x0D ? newline - 1 : newline
                guard lineEnd > index else {
                    guard let statusLine, statusLine.starts(with: "HTTP/".utf8) else {
                        return .failure(Failure(reason: "the block is not an HTTP response (no status line)"))
                    }
                    guard let status = Self.status(statusLine) else {
                        return .failure(Failure(reason: "the HTTP status line is malformed: \(String(decoding: statusLine.prefix(60), as: UTF8.self))"))
                    }
                    return .success((status, headerLines, newline + 1))
                }
                let line = UnsafeBufferPointer(rebasing: all[index..<lineEnd])
                if statusLine == nil { statusLine = line } else { headerLines.append(UnsafeRawBufferPointer(line)) }
                index = newline + 1
            }
            return .failure(Failure(reason: "the HTTP response has no end of header"))
        }
        let (status, headerLines, bodyStart) = try head.get()
        return (status, headerLines.parsed(), Array(block[..<bodyStart]), Array(block[bodyStart...]))
    }

    /// The status code of a status line (`HTTP/1.1 200 OK`): its second word, as a number.
    private static func status(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < line.count, line[index] != 0x20 { index += 1 }
        while index < line.count, line[index] == 0x20 { index += 1 }
        var end = index
        while end < line.count, line[end] != 0x20 { end += 1 }
        guard end > index else { return nil }
        return Int(String(decoding: UnsafeBufferPointer(rebasing: line[index..<end]), as: UTF8.self))
    }
}

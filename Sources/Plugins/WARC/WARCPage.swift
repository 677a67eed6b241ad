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
        let content = try HTTPBodyDecoding.decode(body, transferEncoding: head.isEmpty ? nil : header("transfer-encoding"),
                                                  contentEncoding: head.isEmpty ? nil : header("content-encoding"), limit: maxBytes)
        let contentType = header("content-type")
        let decoded = try TextDecoding.decode(content, contentType: contentType).checked(url: url, logger: logger)
        var record = Record(url: requestedURL ?? url, source: source, foundIn: foundIn)
        var response = Response(finalURL: url, status: status, headers: headers, totalTime: 0, bodySize: content.count, fetchedAt: date)
        if keepingExchange, !head.isEmpty {
            response.exchanges = [HTTPExchange(url: url, request: [], responseHead: head, responseBody: body, remoteAddress: remoteAddress,
                                               requestedAt: date, receivedAt: date)]
        }
        record.response = response
        record.document = Document(text: decoded.text, mediaType: contentType.flatMap(TextDecoding.mediaType(ofContentType:)), charset: decoded.charset)
        return record
    }

    /// Status, header fields, head bytes and body of an HTTP response block.
    private static func parseResponse(_ block: [UInt8]) throws(Failure) -> (Int, [(name: String, value: String)], [UInt8], [UInt8]) {
        // The head ends at the first empty line; a bare LF line ending is tolerated.
        var headEnd: Int?
        var bodyStart = 0
        var index = 0
        while index < block.count {
            guard let newline = block[index...].firstIndex(of: 0x0A) else { break }
            let lineLength = newline - index
            if lineLength == 0 || (lineLength == 1 && block[index] == 0x0D) {
                headEnd = index
                bodyStart = newline + 1
                break
            }
            index = newline + 1
        }
        guard let headEnd else { throw Failure(reason: "the HTTP response has no end of header") }
        let lines = block[..<headEnd].split(separator: 0x0A).map { $0.last == 0x0D ? $0.dropLast() : $0 }
        guard let statusLine = lines.first, statusLine.starts(with: "HTTP/".utf8) else {
            throw Failure(reason: "the block is not an HTTP response (no status line)")
        }
        let parts = statusLine.split(separator: 0x20, maxSplits: 2)
        guard parts.count >= 2, let status = Int(String(decoding: parts[1], as: UTF8.self)) else {
            throw Failure(reason: "the HTTP status line is malformed: \(String(decoding: statusLine.prefix(60), as: UTF8.self))")
        }
        var headerLines = HeaderLines()
        for line in lines.dropFirst() where !line.isEmpty {
            line.withUnsafeBytes { headerLines.append($0) }
        }
        return (status, headerLines.parsed(), Array(block[..<bodyStart]), Array(block[bodyStart...]))
    }
}

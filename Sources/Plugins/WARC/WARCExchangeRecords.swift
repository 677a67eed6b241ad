import ETLKit
import Foundation

/// The WARC records of fetched pages: a `warcinfo` record to start each file, and for each HTTP
/// exchange its `response` and `request` records (or a `revisit` for a page found unchanged).
///
/// **Digests.** `WARC-Block-Digest` is the SHA-1 of the whole block. `WARC-Payload-Digest` is the
/// SHA-1 of the body as it is stored, after the HTTP header: for a chunked response that includes
/// the chunk framing. The WARC standard speaks of the payload with the transfer coding removed, but
/// warcio (`warcio check`), and with it pywb and most readers, digest the stored bytes, and a digest
/// nobody can check is worth less than one every tool agrees on.
enum WARCExchangeRecords {
    /// The `software` line of `warcinfo` records.
    static let software = "etl/0.1 (+https://github.com/etl-project/etl)"

    /// The record that starts a file: who wrote it and in which format.
    static func warcinfo(fileName: String, date: Date) -> WARCRecord {
        var fields = WARCFields()
        fields.append("WARC-Type", WARCRecord.Kind.warcinfo.rawValue)
        fields.append("WARC-Record-ID", WARCRecord.newRecordID())
        fields.append("WARC-Date", WARCDate.format(date))
        fields.append("WARC-Filename", fileName)
        fields.append("Content-Type", "application/warc-fields")
        let block = Array(
            """
            software: \(software)\r
            format: WARC File Format 1.1\r
            conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r

            """.utf8)
        fields.append("WARC-Block-Digest", WARCRecord.digest(of: block[...]))
        return WARCRecord(fields: fields, block: block)
    }

    /// The `response` record of an exchange and the `request` record that refers to it
    /// (`WARC-Concurrent-To`), in that order. `date` is the `WARC-Date` of both.
    static func responseAndRequest(_ exchange: HTTPExchange, date: Date, warcinfoID: String?) -> [WARCRecord] {
        var response = common(.response, exchange, date: date, warcinfoID: warcinfoID)
        response.append("Content-Type", "application/http;msgtype=response")
        response.append("WARC-Payload-Digest", WARCRecord.digest(of: exchange.responseBody[...]))
        let block = exchange.responseHead + exchange.responseBody
        response.append("WARC-Block-Digest", WARCRecord.digest(of: block[...]))
        return [WARCRecord(fields: response, block: block), request(exchange, date: date, warcinfoID: warcinfoID, concurrentTo: response["WARC-Record-ID"])]
    }

    /// A `revisit` record for a page found unchanged, and its `request` record: the response's head
    /// alone as the block. With `.serverNotModified` the head is the 304's; with
    /// `.identicalPayloadDigest` it is a 200's whose body hashed as before, and the payload digest
    /// names the body (``WARCRecord/digest(of:)``), which the earlier record of the page holds.
    static func revisitAndRequest(_ exchange: HTTPExchange, profile: WARCRecord.RevisitProfile, date: Date, warcinfoID: String?) -> [WARCRecord] {
        var revisit = common(.revisit, exchange, date: date, warcinfoID: warcinfoID)
        revisit.append("Content-Type", "application/http;msgtype=response")
        revisit.append("WARC-Profile", profile.uri)
        revisit.append("WARC-Refers-To-Target-URI", exchange.url)
        if profile == .identicalPayloadDigest {
            revisit.append("WARC-Payload-Digest", WARCRecord.digest(of: exchange.responseBody[...]))
        }
        revisit.append("WARC-Block-Digest", WARCRecord.digest(of: exchange.responseHead[...]))
        return [
            WARCRecord(fields: revisit, block: exchange.responseHead),
            request(exchange, date: date, warcinfoID: warcinfoID, concurrentTo: revisit["WARC-Record-ID"]),
        ]
    }

    private static func request(_ exchange: HTTPExchange, date: Date, warcinfoID: String?, concurrentTo: String?) -> WARCRecord {
        var fields = common(.request, exchange, date: date, warcinfoID: warcinfoID)
        fields.append("Content-Type", "application/http;msgtype=request")
        if let concurrentTo { fields.append("WARC-Concurrent-To", concurrentTo) }
        fields.append("WARC-Block-Digest", WARCRecord.digest(of: exchange.request[...]))
        return WARCRecord(fields: fields, block: exchange.request)
    }

    /// The fields every record of an exchange has: type, id, date, target, address, warcinfo.
    private static func common(_ kind: WARCRecord.Kind, _ exchange: HTTPExchange, date: Date, warcinfoID: String?) -> WARCFields {
        var fields = WARCFields()
        fields.append("WARC-Type", kind.rawValue)
        fields.append("WARC-Record-ID", WARCRecord.newRecordID())
        fields.append("WARC-Date", WARCDate.format(date))
        fields.append("WARC-Target-URI", exchange.url)
        if let address = exchange.remoteAddress, !address.isEmpty { fields.append("WARC-IP-Address", address) }
        if let warcinfoID { fields.append("WARC-Warcinfo-ID", warcinfoID) }
        return fields
    }
}

import ETLKit
import Foundation

/// One WARC record (ISO 28500, WARC/1.1): a header of named fields and a block of bytes.
///
/// For a `response` record the block is the HTTP response as received (status line, header fields,
/// empty line, body in its transfer and content codings); for a `request` record the request as
/// sent; for `warcinfo` the writer's own fields (`software: etl/…`).
struct WARCRecord: Sendable {
    var fields: WARCFields
    var block: [UInt8]

    init(fields: WARCFields, block: [UInt8]) {
        self.fields = fields
        self.block = block
    }

    /// The record types etl writes or reads with a meaning (others are skipped by the source).
    enum Kind: String, Sendable {
        case warcinfo, request, response, resource, revisit, metadata
    }

    /// The revisit profiles of WARC/1.1 (`WARC-Profile`), with the 1.0 spelling read as well.
    enum RevisitProfile: Sendable {
        /// The payload is the same as the one of an earlier record (`WARC-Payload-Digest` equal).
        case identicalPayloadDigest
        /// The server answered 304 to a conditional request.
        case serverNotModified

        /// The profile's URI as WARC/1.1 writes it.
        var uri: String {
            switch self {
            case .identicalPayloadDigest: return "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
            case .serverNotModified: return "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
            }
        }

        /// The profile a `WARC-Profile` value names, in any WARC version; nil for another profile.
        init?(uri: String) {
            if uri.hasSuffix("/revisit/identical-payload-digest") {
                self = .identicalPayloadDigest
            } else if uri.hasSuffix("/revisit/server-not-modified") {
                self = .serverNotModified
            } else {
                return nil
            }
        }
    }

    /// The record's type (`WARC-Type`), when it is one etl knows.
    var kind: Kind? { fields.type.flatMap(Kind.init(rawValue:)) }

    /// A new `urn:uuid:` record id (random UUID, lower case as RFC 9562 writes it).
    static func newRecordID() -> String {
        "<urn:uuid:\(UUID().uuidString.lowercased())>"
    }

    /// `sha1:` and the base-32 SHA-1 of `bytes`: the digest WARC writers and CDX indexes use.
    static func digest(of bytes: ArraySlice<UInt8>) -> String {
        "sha1:" + Base32.encode(MessageDigest.digest(.sha1, of: bytes))
    }
}

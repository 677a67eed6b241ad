import ETLKit

/// An HTTP body as received turned into its content: the transfer coding (chunked) taken out, then
/// the content coding (gzip, deflate) undone. libcurl does both itself for a plain fetch; when the
/// run archives the raw transfer (the `warc` sink) the fetcher asks libcurl for the bytes as
/// received and decodes them here, and the `warc` source does the same with what a WARC file holds.
package enum HTTPBodyDecoding {
    /// Why a body could not be decoded.
    package enum Failure: Error, Sendable, CustomStringConvertible {
        case chunking(HTTPChunkedBody.Failure)
        case contentCoding(coding: String, reason: String)
        /// A content coding zlib does not read (`br`, `zstd`).
        case unsupportedCoding(String)
        case tooLarge(limit: Int)

        package var description: String {
            switch self {
            case .chunking(let failure): return failure.description
            case .contentCoding(let coding, let reason): return "invalid \(coding) content encoding: \(reason)"
            case .unsupportedCoding(let coding): return "unsupported content encoding \"\(coding)\""
            case .tooLarge(let limit): return "the body is larger than \(limit) bytes once decoded"
            }
        }
    }

    /// The content codings ``decode(_:transferEncoding:contentEncoding:limit:)`` undoes: what a
    /// fetch that keeps the raw bytes offers in `Accept-Encoding`.
    package static let acceptedCodings = "gzip, deflate"

    /// The body's content. `transferEncoding` and `contentEncoding` are the header values (nil
    /// when absent); codings are undone last first, as RFC 9110 §8.4 lists them in the order applied.
    package static func decode(_ body: [UInt8], transferEncoding: String?, contentEncoding: String?, limit: Int) throws(Failure) -> [UInt8] {
        var bytes = body
        if let transferEncoding, codings(transferEncoding).last == "chunked" {
            do {
                bytes = try HTTPChunkedBody.decode(bytes[...], limit: limit)
            } catch {
                throw .chunking(error)
            }
        }
        for coding in codings(contentEncoding ?? "").reversed() {
            switch coding {
            case "identity":
                continue
            case "gzip", "x-gzip", "deflate":
                do {
                    bytes = try Gzip.decompress(bytes, limit: limit)
                } catch .tooLarge {
                    throw .tooLarge(limit: limit)
                } catch {
                    throw .contentCoding(coding: coding, reason: error.description)
                }
            default:
                throw .unsupportedCoding(coding)
            }
        }
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        return bytes
    }

    /// The codings a header lists, lower case, in order.
    private static func codings(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0).trimmingWhitespace().lowercased() }.filter { !$0.isEmpty }
    }
}

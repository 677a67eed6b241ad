/// What flows through a pipeline: one unit of work, from the source that found it to the sinks.
///
/// A source makes a record with a ``url`` (and any fields it already knows, such as a feed item's
/// title). The fetcher adds the ``response`` and the decoded ``document``; a cleaner adds the
/// ``page``; extractors and transforms fill ``fields``, which is what sinks write.
public struct Record: Sendable {
    /// Where the record's content comes from: an `http(s)` URL or a `file` URL.
    public var url: String
    /// The id of the source plugin that produced the record (`"urls"`, `"files"`, …).
    public var source: String
    /// The URL of the fetched document the source found ``url`` in (a sitemap, a feed, a page);
    /// nil when the user named it (the pipeline file, a URL list, the command line). The runner
    /// refuses a record whose URL is not http(s) when this document was fetched over the network
    /// (``UntrustedScheme``): only the user may send `etl` to local files.
    public var foundIn: String?
    /// Named values: what sinks write. Article field names: `url`, `title`, `pretitle`, `lead`,
    /// `body`, `published`, `modified`, `authors`, `category`, `tags`, `newsId`, `site`, `language`,
    /// `canonicalUrl`, `images`.
    public var fields: [String: JSONValue]
    /// The fetch result: final URL, status, headers, timings. Nil until a fetcher ran.
    public var response: Response?
    /// The fetched content decoded to text. Nil until a fetcher ran.
    public var document: Document?
    /// The cleaned page: content blocks and page metadata. Nil until a cleaner ran.
    public var page: Page?
    /// Validators from the state store (``StateStore``): set by the runner before the fetch when the
    /// URL was fetched before, so that a fetcher can ask "only if changed" and throw
    /// ``NotModified`` for a 304. Nil without a state store, on a first fetch and with `--full-refresh`.
    public var conditional: ConditionalRequest?
    /// The record's number in the order the sources admitted them, when an order-sensitive step
    /// needs it (``OrderGate``).
    var ordinal: Int?

    public init(url: String, source: String, fields: [String: JSONValue] = [:], foundIn: String? = nil) {
        self.url = url
        self.source = source
        self.fields = fields
        self.foundIn = foundIn
    }

    /// The fields a sink writes: ``fields``, with what no step set added: `url`, and for a fetched
    /// record its provenance: `fetchedAt` (ISO 8601, UTC), `status` (the HTTP status; 200 for a file
    /// read), `contentType` (the Content-Type received, when there was one) and, when redirects
    /// changed the URL, the final URL as `url` and the one asked for as `requestedUrl`.
    public var output: [String: JSONValue] {
        var output = fields
        // Room for the provenance fields at once, not grown one insertion at a time.
        output.reserveCapacity(fields.count + 5)
        if let response {
            if output["fetchedAt"] == nil { output["fetchedAt"] = .string(Timestamp.iso8601(response.fetchedAt)) }
            if output["status"] == nil { output["status"] = .integer(response.status) }
            if output["contentType"] == nil, let contentType = response.header("content-type") { output["contentType"] = .string(contentType) }
            if response.finalURL != url {
                if output["url"] == nil { output["url"] = .string(response.finalURL) }
                if output["requestedUrl"] == nil { output["requestedUrl"] = .string(url) }
            }
        }
        if output["url"] == nil { output["url"] = .string(url) }
        return output
    }

    /// The output fields that differ each time an unchanged page is fetched (the time of the
    /// fetch): a sink that keeps one line per version leaves them out when it compares versions.
    public static let fieldsOfTheFetchAlone: Set<String> = ["fetchedAt"]

    /// A field's value as text, or nil when the field is missing, null or empty.
    public func text(_ field: String) -> String? {
        guard let value = fields[field], !value.isNull else { return nil }
        let text = value.plainText
        return text.isEmpty ? nil : text
    }
}

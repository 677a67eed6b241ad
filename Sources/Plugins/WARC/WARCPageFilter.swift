/// Which archived pages a source reading WARC records sends on (the `warc` and `cdx` sources).
protocol WARCPageFilter: Sendable {
    /// Whether a page at this URL is wanted (only http(s) ones ever are).
    func accepts(url: String) -> Bool
    /// Whether a page of this media type (lower case, no parameters) is wanted.
    func accepts(mediaType: String?) -> Bool
    /// The largest block read, and the largest body once decoded.
    var maxBytes: Int { get }
}

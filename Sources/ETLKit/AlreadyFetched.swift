/// Thrown by a fetcher when the record's URL led, through redirects, to a page this run already
/// fetched for another record (or when another record's redirects led to this one's page first):
/// several URLs that end at one page give one record.
///
/// Not a failure: the runner counts the record as skipped by the fetch; it goes neither to the
/// steps nor to the dead letters.
public struct AlreadyFetched: Error, Sendable, CustomStringConvertible {
    /// The record's URL.
    public var url: String
    /// The page both URLs ended at.
    public var finalURL: String

    public init(url: String, finalURL: String) {
        self.url = url
        self.finalURL = finalURL
    }

    public var description: String { "\(url) leads to \(finalURL), already fetched in this run" }
}

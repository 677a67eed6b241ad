import Synchronization

/// The pages a run's `http` fetchers delivered, by the URL they were fetched at after redirects,
/// so that several records whose URLs end at one page give one record (see ``AlreadyFetched``).
/// One per run, in its ``RunServices``.
///
/// A record's own URL delivered twice (a source that lists it twice) is not this type's business:
/// only pages reached under more than one URL are refused.
final class FetchedPages: Sendable {
    /// The record URL each page was first delivered for.
    private let firstURLs = Mutex<[String: String]>([:])

    /// Records that `finalURL` was fetched for the record at `url`; false when the page was already
    /// delivered for another URL (or `url` itself redirected to a page delivered before).
    func insert(_ finalURL: String, for url: String) -> Bool {
        firstURLs.withLock { firstURLs in
            guard let first = firstURLs[finalURL] else {
                firstURLs[finalURL] = url
                return true
            }
            return first == url
        }
    }
}

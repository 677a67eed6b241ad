import Foundation

/// What a fetcher learned about a transfer.
public struct Response: Sendable {
    /// The URL after redirects.
    public var finalURL: String
    /// The HTTP status code; 200 for a file that was read.
    public var status: Int
    /// Response headers in the order received, names in lower case.
    public var headers: [(name: String, value: String)]
    /// Seconds from the start of the fetch to the end of the body.
    public var totalTime: Double
    /// Number of body bytes received (after content decoding).
    public var bodySize: Int
    /// When the response was received (the body's end).
    public var fetchedAt: Date
    /// The transfers of the fetch as bytes on the wire, redirects first and the final response
    /// last, when the run records them (``ExchangeRecording``: a sink archives them); else empty.
    public var exchanges: [HTTPExchange] = []

    public init(
        finalURL: String, status: Int, headers: [(name: String, value: String)] = [], totalTime: Double = 0, bodySize: Int = 0,
        fetchedAt: Date = Date()
    ) {
        self.fetchedAt = fetchedAt
        self.finalURL = finalURL
        self.status = status
        self.headers = headers
        self.totalTime = totalTime
        self.bodySize = bodySize
    }

    /// The last value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.last { $0.name == name }?.value
    }
}

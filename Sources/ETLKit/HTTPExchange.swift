import Foundation

/// One HTTP request and its response, as bytes on the wire: what a WARC file keeps of a fetch.
///
/// A fetcher fills ``Response/exchanges`` with these only when the run has a sink that archives
/// them (``Sink/archivesExchanges``; ``ExchangeRecording`` tells the fetcher), because keeping the
/// body twice (as received and as decoded text) costs memory every other run would pay for nothing.
public struct HTTPExchange: Sendable {
    /// The URL requested.
    public var url: String
    /// The request line and header fields as sent, ending with the empty line (`GET /a HTTP/1.1\r\n…\r\n\r\n`).
    public var request: [UInt8]
    /// The status line and header fields as received, ending with the empty line.
    public var responseHead: [UInt8]
    /// The body as received: still in its transfer coding (chunked) and content coding (gzip).
    public var responseBody: [UInt8]
    /// The address the request was sent to (`127.0.0.1`, `2001:db8::1`), when known.
    public var remoteAddress: String?
    /// When the request was sent.
    public var requestedAt: Date
    /// When the response's body ended.
    public var receivedAt: Date

    public init(
        url: String, request: [UInt8], responseHead: [UInt8], responseBody: [UInt8], remoteAddress: String?,
        requestedAt: Date, receivedAt: Date
    ) {
        self.url = url
        self.request = request
        self.responseHead = responseHead
        self.responseBody = responseBody
        self.remoteAddress = remoteAddress
        self.requestedAt = requestedAt
        self.receivedAt = receivedAt
    }
}

/// Whether the run's fetchers keep each transfer's bytes (``Response/exchanges``): set by the runner,
/// on when one of its sinks archives them (``Sink/archivesExchanges``). A fetcher reads it from the
/// run's services: `context.services.value { ExchangeRecording(isOn: false) }.isOn`.
public struct ExchangeRecording: Sendable {
    public let isOn: Bool

    public init(isOn: Bool) {
        self.isOn = isOn
    }
}

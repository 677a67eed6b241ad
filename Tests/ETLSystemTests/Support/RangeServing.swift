/// Answers a request for a file's bytes as a server with HTTP range support does: `Range:
/// bytes=A-B` gets 206 with those bytes and `Content-Range`, no Range gets the whole file.
enum RangeServing {
    static func respond(to request: TestRequest, with bytes: [UInt8], contentType: String = "application/warc") -> TestResponse {
        guard let range = request.header("range"), range.hasPrefix("bytes=") else {
            return TestResponse(headers: [("content-type", contentType)], body: bytes)
        }
        let parts = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = Int(parts[0]), first < bytes.count else {
            return TestResponse(status: 416, headers: [("content-range", "bytes */\(bytes.count)")])
        }
        let last = min(Int(parts[1]) ?? bytes.count - 1, bytes.count - 1)
        return TestResponse(
            status: 206, headers: [("content-type", contentType), ("content-range", "bytes \(first)-\(last)/\(bytes.count)")],
            body: Array(bytes[first...last]))
    }
}

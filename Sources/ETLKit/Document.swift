/// Fetched content decoded to Unicode text.
public struct Document: Sendable {
    /// The text, decoded to UTF-8 from the charset named in ``charset``.
    public var text: String
    /// The media type without parameters, lower case (`text/html`), when known.
    public var mediaType: String?
    /// The charset the bytes were decoded from, lower case (`utf-8`, `windows-1256`).
    public var charset: String

    public init(text: String, mediaType: String?, charset: String) {
        self.text = text
        self.mediaType = mediaType
        self.charset = charset
    }
}

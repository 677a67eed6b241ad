import ETLText

/// libFuzzer's entry: decodes the bytes without a Content-Type (BOM, meta charset, sniffing), with
/// a declared legacy charset, and, when the input starts with a short line, with that line as the
/// Content-Type of the rest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = TextDecoding.decode(bytes)
    _ = TextDecoding.decode(bytes, contentType: "text/html; charset=windows-1256")
    _ = TextDecoding.metaCharset(in: bytes)
    if let newline = bytes.prefix(200).firstIndex(of: UInt8(ascii: "\n")) {
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = Array(bytes[(newline + 1)...])
        _ = TextDecoding.mediaType(ofContentType: contentType)
        _ = TextDecoding.charsetParameter(ofContentType: contentType)
        _ = TextDecoding.decode(body, contentType: contentType)
        _ = TextDecoding.decode(body, forcedCharset: contentType)
    }
    return 0
}

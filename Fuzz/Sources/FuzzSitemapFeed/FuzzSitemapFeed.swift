import ETLPlugins

/// libFuzzer's entry: parses the bytes as the `sitemap` source and as the `feed` source do
/// (libxml2 in recovery mode, then the walk over the elements).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    _ = FuzzingEntryPoints.sitemapURLs(bytes)
    _ = FuzzingEntryPoints.feedLinks(bytes)
    return 0
}

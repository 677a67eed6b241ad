/// Why a WARC file could not be read, with where: the file (or URL) and the offset of the record
/// that broke (for a `.warc.gz`, the offset of its gzip member in the compressed file, as a CDX
/// index gives it; for a `.warc`, the byte offset).
struct WARCReadError: Error, Sendable, CustomStringConvertible {
    var source: String
    var offset: Int
    var reason: String

    var description: String { "\(source) at offset \(offset): \(reason)" }
}

/// Why a WARC file could not be read, with where: the file (or URL) and the offset of the record
/// that broke (for a `.warc.gz`, the offset of its gzip member in the compressed file, as a CDX
/// index gives it; for a `.warc`, the byte offset).
package struct WARCReadError: Error, Sendable, CustomStringConvertible {
    package var source: String
    package var offset: Int
    package var reason: String

    package var description: String { "\(source) at offset \(offset): \(reason)" }
}

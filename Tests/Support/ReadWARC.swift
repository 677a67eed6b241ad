import ETLPlugins

/// Reads every record of a WARC file with the reader under test: header fields and blocks.
package func readWARC(_ path: String) async throws -> [(entry: WARCReader.Entry, block: [UInt8])] {
    let reader = WARCReader(input: try WARCFileInput(path: path), source: path)
    var records: [(entry: WARCReader.Entry, block: [UInt8])] = []
    while let entry = try await reader.next() {
        records.append((entry, try await reader.readBlock()))
    }
    return records
}

import ETLHTTP
import ETLKit
import ETLPlugins
import Foundation
import Logging

/// `etl-bench-warc [--mode raw|decoded|record[,…]] [--repeat N] FILE`: WARC response records per
/// second read in process on one thread by etl's ``WARCReader``, for the WARC benchmark
/// (Benchmarks/warc), beside FastWARC iterating the same file. No runner, no sink, no start-up in
/// the timing.
///
/// - `raw`: every record's header read, each `response` record's block read and its HTTP head
///   parsed (status, header fields), the payload kept as stored (chunked, gzip): what FastWARC
///   does with `parse_http=True, auto_decode="none"` and `record.reader.read()`;
/// - `decoded`: the same, then the payload's chunks and gzip content coding taken out, as the
///   `warc` source does (``HTTPBodyDecoding``);
/// - `record`: the record the `warc` source hands to the pipeline, body decoded to text (chunks,
///   gzip, charset).
///
/// Several modes take turns within each repeat, so that their ratio is measured under the same
/// load. Prints one line per mode: records, best seconds, records per second, payload bytes.
@main
struct WARCBenchmark {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var mode = "raw"
        var repeats = 3
        while let first = arguments.first, first.hasPrefix("--") {
            arguments.removeFirst()
            switch first {
            case "--mode": mode = arguments.isEmpty ? mode : arguments.removeFirst()
            case "--repeat": repeats = arguments.isEmpty ? repeats : Int(arguments.removeFirst()) ?? repeats
            default:
                FileHandle.standardError.write(Data("unknown option \(first)\n".utf8))
                exit(2)
            }
        }
        let modes = mode.split(separator: ",").compactMap { Mode(rawValue: String($0)) }
        guard arguments.count == 1, !modes.isEmpty, modes.count == mode.split(separator: ",").count else {
            FileHandle.standardError.write(Data("usage: etl-bench-warc [--mode raw|decoded|record[,…]] [--repeat N] FILE\n".utf8))
            exit(2)
        }
        let path = arguments[0]
        var best = [Double](repeating: .infinity, count: modes.count)
        var results = [Tally](repeating: .init(), count: modes.count)
        for _ in 0..<max(1, repeats) {
            for (number, mode) in modes.enumerated() {
                let start = ContinuousClock.now
                results[number] = try await read(path: path, mode: mode)
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                best[number] = min(best[number], seconds)
            }
        }
        for (number, mode) in modes.enumerated() {
            let result = results[number]
            print(
                String(
                    format: "%@: %d records, best of %d: %.3f s, %.1f records/s, %d payload bytes",
                    mode.rawValue, result.records, repeats, best[number], Double(result.records) / best[number], result.payloadBytes))
        }
    }

    enum Mode: String {
        case raw, decoded, record
    }

    /// What one pass read.
    struct Tally {
        var records = 0
        var payloadBytes = 0
    }

    /// One pass over the file: every record read, the `response` records' pages made as `mode` says.
    static func read(path: String, mode: Mode) async throws -> Tally {
        let reader = WARCReader(input: try WARCFileInput(path: path), source: path)
        let logger = Logger(label: "etl-bench-warc")
        var tally = Tally()
        while let entry = try await reader.next() {
            guard entry.fields.type == "response" else { continue }
            let page = try WARCPage(fields: entry.fields, block: try await reader.readBlock())
            tally.records += 1
            switch mode {
            case .raw:
                tally.payloadBytes += page.body.count
            case .decoded:
                tally.payloadBytes += try HTTPBodyDecoding.decode(
                    page.body, transferEncoding: page.header("transfer-encoding"),
                    contentEncoding: page.header("content-encoding"), limit: .max
                ).count
            case .record:
                let record = try page.record(
                    source: "warc", foundIn: path, requestedURL: nil, maxBytes: .max,
                    keepingExchange: false, logger: logger)
                tally.payloadBytes += record.response?.bodySize ?? 0
            }
        }
        return tally
    }
}

import ETLKit
import ETLPlugins
import Foundation

/// The table `etl run` prints at the end: every record accounted for, and each step's counts and time.
struct SummaryTable {
    var pipeline: Pipeline
    var summary: RunSummary

    var text: String {
        let rate = summary.seconds > 0 ? Double(summary.input) / summary.seconds : 0
        var lines = [
            "\(pipeline.name): \(summary.input) records in \(String(format: "%.2f", summary.seconds)) s (\(String(format: "%.1f", rate))/s)",
            "  in \(summary.input) = written \(summary.written) + skipped \(summary.skipped)"
                + skippedDetail
                + " + dead letters \(summary.deadLetters)"
                + (summary.reconciles ? "" : "  (does not reconcile!)"),
        ]
        if !summary.statuses.isEmpty {
            lines.append("  HTTP status: " + summary.statuses.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        for (kind, count) in summary.failureKinds.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }).prefix(10) {
            lines.append("  failed ×\(count): \(kind)")
        }
        if summary.failureKinds.count > 10 {
            lines.append("  … and \(summary.failureKinds.count - 10) other kinds of failure (see the dead letters)")
        }
        if let reason = summary.stoppedBy {
            lines.append("  stopped early by \(reason): the sources were cut short; every record taken in was finished and written")
        }
        if summary.repeatedURLs > 0 {
            lines.append("  \(summary.repeatedURLs) page\(summary.repeatedURLs == 1 ? "" : "s") sent by more than one source, taken once")
        }
        if summary.sourceFailures > 0 {
            lines.append("  \(summary.sourceFailures) source\(summary.sourceFailures == 1 ? "" : "s") failed (in the dead letters)")
        }
        // Work time: each step's time summed over its records. Workers overlap, so the sum can
        // exceed the run's wall time (the first line's seconds).
        let header = ["step", "in", "out", "skipped", "failed", "work s", "ms/record"]
        var rows = [header]
        for step in summary.steps {
            let perRecord = step.input > 0 ? step.seconds * 1000 / Double(step.input) : 0
            rows.append([
                step.label, "\(step.input)", "\(step.output)", "\(step.skipped)", "\(step.failed)",
                String(format: "%.3f", step.seconds), String(format: "%.2f", perRecord),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            lines.append("  " + cells.joined(separator: "  "))
        }
        lines.append("  work s: each step's time summed over its records (steps overlap; the run took the seconds above)")
        if summary.deadLetters + summary.sourceFailures > 0 {
            let file = (pipeline.deadLetters.instance as? JSONLSink).map { " (\($0.path))" } ?? ""
            lines.append("  dead letters went to the \"\(pipeline.deadLetters.id)\" sink at \(pipeline.deadLetters.path)\(file)")
        }
        return lines.joined(separator: "\n")
    }

    /// What the state store skipped, with a state file: `(unchanged 3)`, `(unchanged 3, remembered
    /// failures 1)`; remembered failures are named only when there are some.
    private var skippedDetail: String {
        var parts: [String] = []
        if summary.unchanged > 0 || pipeline.state != nil { parts.append("unchanged \(summary.unchanged)") }
        if summary.rememberedFailures > 0 { parts.append("remembered failures \(summary.rememberedFailures)") }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }

    /// The summary as one JSON object (for `--log-format json`): the same counts as the table, the
    /// steps as an array in pipeline order, `workSeconds` summed over records as in the table.
    var json: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "level": "notice", "message": "summary", "pipeline": .string(pipeline.name),
            "input": .integer(summary.input), "written": .integer(summary.written),
            "skipped": .integer(summary.skipped), "unchanged": .integer(summary.unchanged),
            "rememberedFailures": .integer(summary.rememberedFailures),
            "deadLetters": .integer(summary.deadLetters), "sourceFailures": .integer(summary.sourceFailures),
            "repeatedURLs": .integer(summary.repeatedURLs), "seconds": .number((summary.seconds * 1000).rounded() / 1000),
            "reconciles": .bool(summary.reconciles), "exitCode": .integer(Int(summary.exitCode)),
            "statuses": .object(Dictionary(uniqueKeysWithValues: summary.statuses.map { (String($0.key), .integer($0.value)) })),
            "failureKinds": .object(summary.failureKinds.mapValues { .integer($0) }),
            "steps": .array(
                summary.steps.map { step in
                    .object([
                        "label": .string(step.label), "input": .integer(step.input), "output": .integer(step.output),
                        "skipped": .integer(step.skipped), "failed": .integer(step.failed),
                        "workSeconds": .number((step.seconds * 1000).rounded() / 1000),
                    ])
                }),
            "deadLetterSink": .string(pipeline.deadLetters.id),
        ]
        if let reason = summary.stoppedBy { fields["stoppedBy"] = .string(reason) }
        if let sink = pipeline.deadLetters.instance as? JSONLSink { fields["deadLetterFile"] = .string(sink.path) }
        return fields
    }
}

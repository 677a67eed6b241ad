import ETLKit
import Foundation
import Synchronization

/// Progress of a long run written as a plain line every few seconds, for a standard error that is
/// not a terminal (cron mail, `systemd` journal, a log file), where a redrawn ``ProgressLine`` would
/// be noise. A line is written on time even when no record finished since the last one, so that a
/// slow, polite crawl still shows it is alive.
final class ProgressReport: Sendable {
    private let latest = Mutex<RunProgress?>(nil)
    private let started = Date()
    private let format: LogFormat
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts writing a line every `interval`.
    init(every interval: Duration, format: LogFormat) {
        self.format = format
        let report = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                self.write()
            }
        }
        task.withLock { $0 = report }
    }

    /// Takes the runner's latest counts (called after every record).
    func update(_ progress: RunProgress) {
        latest.withLock { $0 = progress }
    }

    /// Stops the reports (before the summary).
    func finish() {
        task.withLock { $0?.cancel() }
    }

    private func write() {
        let progress = latest.withLock { $0 }
        let input = progress?.input ?? 0
        let written = progress?.written ?? 0
        let skipped = progress?.skipped ?? 0
        let failed = progress?.failed ?? 0
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(input) / seconds : 0
        switch format {
        case .text:
            Console.error(
                "progress: in \(input)  done \(written)  skipped \(skipped)  failed \(failed)  "
                    + String(format: "%.1f records/s  %.0fs", rate, seconds))
        case .json:
            JSONLogHandler.write([
                "level": "info", "message": "progress", "input": .integer(input),
                "written": .integer(written), "skipped": .integer(skipped), "failed": .integer(failed), "seconds": .number((seconds * 10).rounded() / 10),
                "recordsPerSecond": .number((rate * 10).rounded() / 10),
            ])
        }
    }
}

import ETLKit
import Foundation
import Synchronization

/// A live progress line on standard error, redrawn at most five times a second.
final class ProgressLine: Sendable {
    private let lastDraw = Mutex(ContinuousClock.now - .seconds(1))

    func update(_ progress: RunProgress) {
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last in
            guard now - last >= .milliseconds(200) else { return false }
            last = now
            return true
        }
        guard due else { return }
        let rate = progress.seconds > 0 ? Double(progress.input) / progress.seconds : 0
        let line =
            "\r\u{1B}[K  done \(progress.written)  skipped \(progress.skipped)  failed \(progress.failed)  "
            + String(format: "%.1f records/s  %.0fs", rate, progress.seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the line before the summary.
    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

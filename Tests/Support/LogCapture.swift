import Logging
import Synchronization

/// Keeps the messages logged through its ``logger``, for tests that check what a run says.
package final class LogCapture: Sendable {
    /// One message with its level.
    package struct Entry: Sendable {
        package var level: Logger.Level
        package var message: String
    }

    private let stored = Mutex<[Entry]>([])

    /// Everything logged so far, in order.
    package var entries: [Entry] { stored.withLock { $0 } }

    /// The messages logged at `level`.
    package func messages(at level: Logger.Level) -> [String] {
        entries.filter { $0.level == level }.map(\.message)
    }

    /// An empty capture.
    package init() {}

    /// A logger that writes here, from `trace` up.
    package var logger: Logger {
        var logger = Logger(label: "etl.tests.capture") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ entry: Entry) {
        stored.withLock { $0.append(entry) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(Entry(level: event.level, message: event.message.description))
        }
    }
}

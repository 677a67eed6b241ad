import Dispatch
import ETLKit
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a clean stop of the run (``RunStop``) while `etl run` works: the
/// first signal asks the run to finish what it took in; a second one ends the process at once,
/// with the shell's usual status (128 + the signal), leaving the last run's output in place (a
/// replaced output's hidden file is removed by the next run).
final class SignalWatch {
    /// The first signal, shared with the handlers (which run on a Dispatch queue).
    private final class FirstSignal: Sendable {
        let number = Mutex<Int32?>(nil)
    }

    private var sources: [any DispatchSourceSignal] = []
    private let first = FirstSignal()

    init(stop: RunStop) {
        let first = self.first
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            // Dispatch sees the signal only when its default action (ending the process) is off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.request(name) {
                    first.number.withLock { $0 = number }
                    Console.error("\nstopping (\(name)): finishing the records in flight; press Ctrl-C again to stop at once")
                } else {
                    _exit(128 + number)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, or nil.
    var received: Int32? {
        first.number.withLock { $0 }
    }

    /// Stops watching and gives the signals their default action back.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

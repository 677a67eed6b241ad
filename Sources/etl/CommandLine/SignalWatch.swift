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

    private var source: (any DispatchSourceRead)?
    private let first = FirstSignal()
    private var descriptors: [Int32] = [-1, -1]

    /// The pipe's writing end, for the C signal handler (which can capture nothing and may only make
    /// async-signal-safe calls such as `write`). Set once, before the handlers are installed.
    nonisolated(unsafe) private static var signalPipe: Int32 = -1

    /// Writes the signal's number into the pipe: all a signal handler may safely do.
    private static let handler: @convention(c) (Int32) -> Void = { number in
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(SignalWatch.signalPipe, &byte, 1)
    }

    /// Installs the handlers at once (`signal`, synchronous): a signal that comes at any moment
    /// after this is seen. (Dispatch's own signal sources register later, on another thread, and a
    /// signal in between was lost on a loaded machine; the pipe keeps it until it is read.)
    /// - Parameter grace: how long the records in flight may take after the first signal; when they
    ///   take longer (a page that trickles, a step that hangs), the process ends as on a second signal.
    init(stop: RunStop, grace: Duration) {
        let first = self.first
        guard pipe(&descriptors) == 0 else { return }
        _ = fcntl(descriptors[0], F_SETFL, O_NONBLOCK)
        Self.signalPipe = descriptors[1]
        let reading = descriptors[0]
        let source = DispatchSource.makeReadSource(fileDescriptor: reading, queue: .global())
        source.setEventHandler {
            var byte: UInt8 = 0
            while read(reading, &byte, 1) == 1 {
                let number = Int32(byte)
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                if stop.request(name) {
                    first.number.withLock { $0 = number }
                    let seconds = Int(grace.components.seconds)
                    Console.error(
                        "\nstopping (\(name)): finishing the records in flight (at most \(seconds) s, --stop-grace); press Ctrl-C again to stop at once")
                    DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
                        Console.error(
                            "stopping (\(name)): the records in flight took more than \(seconds) s; stopped at once (the last run's output stays in place)")
                        _exit(128 + number)
                    }
                } else {
                    _exit(128 + number)
                }
            }
        }
        source.resume()
        self.source = source
        signal(SIGINT, Self.handler)
        signal(SIGTERM, Self.handler)
    }

    /// The first signal received, or nil.
    var received: Int32? {
        first.number.withLock { $0 }
    }

    /// Stops watching and gives the signals their default action back.
    func cancel() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        source?.cancel()
        source = nil
    }
}

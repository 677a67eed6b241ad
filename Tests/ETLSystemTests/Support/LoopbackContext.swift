import ETLKit
import Logging

extension RunContext {
    /// A run's context in which the user named 127.0.0.1, as a pipeline file that lists a test
    /// server's URLs does: plugins run outside a pipeline may then fetch from the test servers.
    static func namingLoopback(label: String = "test") -> RunContext {
        let context = RunContext(logger: Logger(label: label))
        _ = context.services.value { NamedHosts(["127.0.0.1"]) }
        return context
    }
}

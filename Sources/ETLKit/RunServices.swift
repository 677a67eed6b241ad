import Synchronization

/// Objects the plugins of one run share, one of each type, made by the first plugin that asks.
///
/// This is how plugins that know nothing of each other agree on run-wide state without the core
/// knowing what it is: the `http` fetcher and the sources that download through it share one
/// per-host schedule and one robots.txt cache, so politeness holds across every source of the run.
///
/// ```swift
/// let schedule = context.services.value { HostSchedule() }
/// ```
///
/// Every copy of a ``RunContext`` shares its services; a new context starts empty.
public final class RunServices: Sendable {
    @usableFromInline let values = Mutex<[ObjectIdentifier: any Sendable]>([:])

    public init() {}

    /// The run's value of type `Value`, made with `make` (under the services' lock, so exactly once)
    /// when no plugin has asked for one yet. Inlinable, so that a plugin's call is specialised for
    /// its type: the `http` fetcher asks three times per request, and the generic call's metadata
    /// look-ups showed in the fetch benchmark's profile.
    @inlinable
    public func value<Value: Sendable>(_ type: Value.Type = Value.self, orMake make: () -> Value) -> Value {
        values.withLock { values in
            if let existing = values[ObjectIdentifier(type)] as? Value { return existing }
            let made = make()
            values[ObjectIdentifier(type)] = made
            return made
        }
    }
}

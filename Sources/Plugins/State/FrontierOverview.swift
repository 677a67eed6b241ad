import Foundation

/// The shared work of a pipeline as `etl state` shows it (``PostgresFrontier/overview(hosts:)``):
/// the last round, its workers and the hosts with URLs still to do.
public struct FrontierOverview: Sendable, Equatable {
    /// A round of work: every worker started while it was open shares it.
    public struct Round: Sendable, Equatable {
        public var number: Int
        public var started: Date?
        /// Nil while the round is open.
        public var finished: Date?
        public var queued: Int
        public var leased: Int
        public var done: Int
        /// URLs claimed more than once: their worker died (or stopped) holding them.
        public var claimedAgain: Int
    }

    /// One `etl run` of the round.
    public struct Worker: Sendable, Equatable {
        /// Whether the worker is still there.
        public enum State: String, Sendable {
            /// It renewed its leases within its lease time.
            case alive
            /// It ended and said so.
            case stopped
            /// It stopped renewing without saying so (killed, or its machine lost): its leases
            /// run out and other workers take its URLs.
            case lost
        }

        public var name: String
        /// The name with the suffix that makes it unique.
        public var id: String
        public var started: Date?
        public var lastSeen: Date?
        public var state: State
        public var sourcesFinished: Bool
        /// URLs it completed.
        public var done: Int
        /// URLs it holds now.
        public var leases: Int
    }

    /// A host with URLs not yet done.
    public struct Host: Sendable, Equatable {
        public var name: String
        public var queued: Int
        public var leased: Int
    }

    /// Nil before any worker joined.
    public var round: Round?
    public var workers: [Worker]
    /// The hosts with the most URLs not yet done, most first.
    public var hosts: [Host]
}

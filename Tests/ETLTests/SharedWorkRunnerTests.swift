import ETLKit
import Foundation
import Synchronization
import Testing

/// A ``Frontier`` in memory, for one worker: what the runner does with shared work, without a
/// database (``PostgresFrontier`` is tested on a real server in the system tests).
final class MemoryFrontier: Frontier {
    enum Status: Equatable { case queued, leased, done }

    struct Row {
        var status: Status
        var record: Record
    }

    struct State {
        var rows: [String: Row] = [:]
        var order: [String] = []
        var joined = false
        var left = false
        var sourcesFinished = false
        var added = 0
        var entries: [StateEntry] = []
    }

    let state = Mutex(State())

    func join(as name: String, lease: Duration) async throws { state.withLock { $0.joined = true } }

    func add(_ records: [Record]) async throws {
        state.withLock { state in
            for record in records {
                let key = CanonicalURL.canonical(record.url)
                guard state.rows[key] == nil else { continue }
                state.rows[key] = Row(status: .queued, record: record)
                state.order.append(key)
                state.added += 1
            }
        }
    }

    func addClaimed(_ record: Record) async throws -> Bool {
        state.withLock { state in
            let key = CanonicalURL.canonical(record.url)
            if let row = state.rows[key], row.status != .queued { return row.status == .leased }
            if state.rows[key] == nil { state.order.append(key) }
            state.rows[key] = Row(status: .leased, record: record)
            return true
        }
    }

    func claim(limit: Int) async throws -> [Record] {
        state.withLock { state in
            var claimed: [Record] = []
            for key in state.order where claimed.count < limit {
                guard let row = state.rows[key], row.status == .queued else { continue }
                state.rows[key]?.status = .leased
                claimed.append(row.record)
            }
            return claimed
        }
    }

    func renew() async throws {}

    func complete(_ urls: [String], recording entries: [StateEntry]) async throws {
        state.withLock { state in
            for url in urls { state.rows[url]?.status = .done }
            state.entries += entries
        }
    }

    func release(_ urls: [String]) async throws {
        state.withLock { state in
            for url in urls where state.rows[url]?.status == .leased { state.rows[url]?.status = .queued }
        }
    }

    func sourcesFinished() async throws { state.withLock { $0.sourcesFinished = true } }

    /// One worker: over when nothing is queued (its own leases are its to complete).
    func isFinished() async throws -> Bool {
        state.withLock { state in !state.rows.values.contains { $0.status == .queued } }
    }

    func leave() async throws { state.withLock { $0.left = true } }

    func count(_ status: Status) -> Int {
        state.withLock { $0.rows.values.filter { $0.status == status }.count }
    }
}

/// A state store whose work is shared through a ``MemoryFrontier``.
final class SharedMemoryStore: StateStore {
    let memory = MemoryFrontier()
    var frontier: (any Frontier)? { memory }
    func entry(for url: String) async throws -> StateEntry? { nil }
    func record(_ entry: StateEntry) async throws { Issue.record("with a frontier, entries are recorded with their completion") }
    func close() async throws {}
}

/// Reads `mem://N` URLs: the page's text is its URL, after `pause` (to keep records in flight).
struct MemoryFetcher: Fetcher {
    static let descriptor = PluginDescriptor(id: "test-memory", kind: .fetcher, summary: "test", options: [])
    var schemes: Set<String> { ["mem"] }
    var pause: Duration = .zero
    init(pause: Duration = .zero) { self.pause = pause }
    init(options: PluginOptions) throws { throw TestFailure(reason: "built by the tests") }
    func fetch(_ record: Record, context: RunContext) async throws -> Record {
        if pause > .zero { try await Task.sleep(for: pause) }
        var fetched = record
        fetched.document = Document(text: record.url, mediaType: "text/plain", charset: "utf-8")
        return fetched
    }
}

/// `count` records `mem://0` … without a document, for the fetcher.
struct MemorySource: Source {
    static let descriptor = PluginDescriptor(id: "test-memory-urls", kind: .source, summary: "test", options: [])
    let count: Int
    init(count: Int) { self.count = count }
    init(options: PluginOptions) throws { throw TestFailure(reason: "built by the tests") }
    func produce(into output: RecordOutput, context: RunContext) async throws {
        for page in 0..<count {
            try await output.send(Record(url: "mem://\(page)", source: Self.descriptor.id, fields: ["page": .integer(page)]))
        }
    }
}

/// Asks the run to stop once it has written `after` records.
final class StoppingSink: Sink {
    static let descriptor = PluginDescriptor(id: "test-stopping", kind: .sink, summary: "test", options: [])
    let stop: RunStop, after: Int
    let written = Atomic<Int>(0)
    init(stop: RunStop, after: Int) {
        self.stop = stop
        self.after = after
    }
    required init(options: PluginOptions) throws { throw TestFailure(reason: "built by the tests") }
    func open(context: RunContext) async throws {}
    func write(_ record: Record) async throws {
        if written.add(1, ordering: .sequentiallyConsistent).newValue == after { _ = stop.request("test") }
    }
    func close() async throws {}
}

/// The runner with shared work (``StateStore/frontier``), through its public API.
@Suite struct SharedWorkRunnerTests {
    let tests = PipelineRunnerTests()

    /// The sources' records go into the frontier, come back through claims, and end done there,
    /// their state recorded with them; the worker joins, says its sources finished, and leaves.
    @Test func recordsGoThroughTheFrontierAndEndDoneThere() async throws {
        let store = SharedMemoryStore()
        let stop = RunStop()
        let sink = StoppingSink(stop: stop, after: 1_000)
        let pipeline = tests.pipeline(
            sources: [MemorySource(count: 30)], fetchers: [MemoryFetcher()], sinks: [sink], deadLetters: StoppingSink(stop: stop, after: 1_000),
            concurrency: 4)
        let summary = try await PipelineRunner(pipeline: pipeline, stateStore: store, stop: stop).run()
        #expect(summary.written == 30)
        let state = store.memory.state.withLock { $0 }
        #expect(state.joined && state.sourcesFinished && state.left)
        #expect(state.added == 30, "every record went into the frontier")
        #expect(store.memory.count(.done) == 30)
        #expect(Set(state.entries.map(\.url)).count == 30, "each URL's state is recorded with its completion")
    }

    /// A worker stopped part-way gives back what it claimed and had not started: nothing stays
    /// leased to it, and what it did not write is queued for the others.
    @Test func aStoppedWorkerGivesBackWhatItHasNotStarted() async throws {
        let store = SharedMemoryStore()
        let stop = RunStop()
        let sink = StoppingSink(stop: stop, after: 5)
        let pipeline = tests.pipeline(
            sources: [MemorySource(count: 40)], fetchers: [MemoryFetcher(pause: .milliseconds(20))], sinks: [sink],
            deadLetters: StoppingSink(stop: stop, after: 1_000), concurrency: 4)
        let summary = try await PipelineRunner(pipeline: pipeline, stateStore: store, stop: stop).run()
        #expect(summary.written < 40)
        #expect(store.memory.count(.leased) == 0, "nothing stays leased to a stopped worker")
        #expect(store.memory.count(.done) == summary.written + summary.skipped + summary.deadLetters)
        #expect(store.memory.count(.queued) == 40 - store.memory.count(.done))
        #expect(store.memory.state.withLock { $0.left })
    }
}

import ETLKit
import ETLPlugins
import Foundation
import Synchronization
import Testing

/// Counters shared by the test plugins below and the tests that read them, per test run id.
final class RunProbe: Sendable {
    static let all = Mutex<[String: RunProbe]>([:])

    let emitted = Atomic<Int>(0)
    let written = Atomic<Int>(0)
    let maximumAhead = Atomic<Int>(0)
    /// Document bytes between ``HoldingTransform`` and ``ProbeSink``, and the most seen at once.
    let bytesInFlight = Atomic<Int>(0)
    let mostBytesInFlight = Atomic<Int>(0)
    let writtenPages = Mutex<[Int]>([])

    static func named(_ name: String) -> RunProbe {
        all.withLock { probes in
            if let probe = probes[name] { return probe }
            let probe = RunProbe()
            probes[name] = probe
            return probe
        }
    }
}

/// An error a test plugin throws on purpose.
struct TestFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// A source of `count` records that carry their document already (no fetch), counting what it sent.
struct CountingSource: Source {
    static let descriptor = PluginDescriptor(id: "test-counting", kind: .source, summary: "test", options: [
        OptionSpec("probe", .string, required: true, "probe name"),
        OptionSpec("count", .integer(minimum: 0), required: true, "records"),
        OptionSpec("failAfter", .integer(minimum: 0), "throw after this many"),
        OptionSpec("scheme", .string, default: "test", "the URLs' scheme, so that two sources can send different pages"),
        OptionSpec("documentBytes", .integer(minimum: 0), default: 1000, "each document's size"),
    ])
    let probe: RunProbe, count: Int, failAfter: Int?, scheme: String, documentBytes: Int
    init(options: PluginOptions) throws {
        probe = RunProbe.named(options.string("probe") ?? "")
        count = options.integer("count") ?? 0
        failAfter = options.integer("failAfter")
        scheme = options.string("scheme") ?? "test"
        documentBytes = options.integer("documentBytes") ?? 1000
    }
    func produce(into output: RecordOutput, context: RunContext) async throws {
        for page in 0..<count {
            if let failAfter, page == failAfter { throw TestFailure(reason: "source broke") }
            var record = Record(url: "\(scheme)://\(page)", source: "test-counting", fields: ["page": .integer(page)])
            record.document = Document(text: String(repeating: "x", count: documentBytes), mediaType: "text/plain", charset: "utf-8")
            try await output.send(record)
            probe.emitted.add(1, ordering: .sequentiallyConsistent)
        }
    }
}

/// Fails records whose page number is divisible by `every`; skips those divisible by `skipEvery`.
struct PickyTransform: Transform {
    static let descriptor = PluginDescriptor(id: "test-picky", kind: .transform, summary: "test", options: [
        OptionSpec("every", .integer(minimum: 1), default: 1_000_000, "fail every n-th"),
        OptionSpec("skipEvery", .integer(minimum: 1), default: 1_000_000, "skip every n-th"),
    ])
    let every: Int, skipEvery: Int
    init(options: PluginOptions) throws {
        every = options.integer("every") ?? 1_000_000
        skipEvery = options.integer("skipEvery") ?? 1_000_000
    }
    func apply(to record: Record, context: RunContext) async throws -> Record? {
        let page = record.fields["page"]?.integerValue ?? 0
        if page % every == 0 { throw TestFailure(reason: "step refused page \(page)") }
        if page % skipEvery == 0 { return nil }
        return record
    }
}

/// Counts the document bytes it has let through that no sink has written yet (``ProbeSink`` takes
/// them off), and the most at once; holds each record a moment so that the workers overlap.
struct HoldingTransform: Transform {
    static let descriptor = PluginDescriptor(id: "test-holding", kind: .transform, summary: "test", options: [
        OptionSpec("probe", .string, required: true, "probe name"),
    ])
    let probe: RunProbe
    init(options: PluginOptions) throws {
        probe = RunProbe.named(options.string("probe") ?? "")
    }
    func apply(to record: Record, context: RunContext) async throws -> Record? {
        let bytes = record.document?.text.utf8.count ?? 0
        let now = probe.bytesInFlight.add(bytes, ordering: .sequentiallyConsistent).newValue
        probe.mostBytesInFlight.max(now, ordering: .sequentiallyConsistent)
        try await Task.sleep(for: .milliseconds(5))
        return record
    }
}

/// Records how far the source runs ahead of what is written, and fails pages listed in `failPages`.
actor ProbeSink: Sink {
    static let descriptor = PluginDescriptor(id: "test-probe", kind: .sink, summary: "test", options: [
        OptionSpec("probe", .string, required: true, "probe name"),
        OptionSpec("failPages", .any, default: [], "pages whose write fails"),
        OptionSpec("delayMilliseconds", .integer(minimum: 0), default: 0, "slow writes"),
    ])
    let probe: RunProbe, failPages: Set<Int>, delay: Int
    init(options: PluginOptions) throws {
        probe = RunProbe.named(options.string("probe") ?? "")
        failPages = Set(options["failPages"]?.arrayValue?.compactMap(\.integerValue) ?? [])
        delay = options.integer("delayMilliseconds") ?? 0
    }
    func open(context: RunContext) async throws {}
    func write(_ record: Record) async throws {
        let page = record.fields["page"]?.integerValue ?? -1
        if failPages.contains(page) { throw TestFailure(reason: "sink refused page \(page)") }
        if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
        probe.bytesInFlight.subtract(record.document?.text.utf8.count ?? 0, ordering: .sequentiallyConsistent)
        let written = probe.written.add(1, ordering: .sequentiallyConsistent).newValue
        let ahead = probe.emitted.load(ordering: .sequentiallyConsistent) - written
        probe.maximumAhead.max(ahead, ordering: .sequentiallyConsistent)
        probe.writtenPages.withLock { $0.append(page) }
    }
    func close() async throws {}
}

@Suite struct PipelineRunnerTests {
    var registry: PluginRegistry {
        var registry = PluginRegistry.builtins
        registry.register(CountingSource.self)
        registry.register(PickyTransform.self)
        registry.register(ProbeSink.self)
        registry.register(HoldingTransform.self)
        return registry
    }

    func pipeline(_ text: String) throws -> Pipeline {
        try PipelineLoader(registry: registry, environment: [:]).load(text: text)
    }

    @Test func recordsStreamWithBoundedMemory() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 3000}], "steps": [],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"},
             "concurrency": 4}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        let probe = RunProbe.named(name)
        #expect(summary.written == 3000)
        #expect(probe.written.load(ordering: .sequentiallyConsistent) == 3000)
        // The source can be ahead of the sink by the records in flight only: workers + channel hand-offs.
        let ahead = probe.maximumAhead.load(ordering: .sequentiallyConsistent)
        #expect(ahead <= 4 + 4, "the source ran \(ahead) records ahead of the sink")
    }

    /// Issue #10: memory follows page size. Eight workers on 3,000-byte documents would hold 24,000
    /// bytes at once; a budget of 10,000 lets three through at a time.
    @Test func documentBytesInFlightStayWithinTheBudget() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 120, "documentBytes": 3000}],
             "steps": [{"use": "test-holding", "probe": "\(name)"}],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"},
             "concurrency": 8, "maxBytesInFlight": 10000}
            """)
        #expect(pipeline.maxBytesInFlight == 10000)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 120)
        let most = RunProbe.named(name).mostBytesInFlight.load(ordering: .sequentiallyConsistent)
        #expect(most <= 10000, "\(most) document bytes were in flight at once")
        #expect(most >= 3000)
    }

    @Test func aDocumentLargerThanTheBudgetRunsAlone() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 20, "documentBytes": 5000}],
             "steps": [{"use": "test-holding", "probe": "\(name)"}],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"},
             "concurrency": 4, "maxBytesInFlight": 1000}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 20)
        #expect(RunProbe.named(name).mostBytesInFlight.load(ordering: .sequentiallyConsistent) == 5000)
    }

    @Test func failuresGoToDeadLettersAndTheRunGoesOn() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 100}],
             "steps": [{"use": "test-picky", "every": 10, "skipEvery": 7}],
             "sinks": [{"use": "test-probe", "probe": "\(name)", "failPages": [1, 2]}],
             "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"}}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        // Pages 0, 10, …, 90 fail in the step (10); 7, 14, …, 98 but not 70 are skipped (13); 1 and 2 fail in the sink.
        #expect(summary.input == 100)
        #expect(summary.deadLetters == 12)
        #expect(summary.skipped == 13)
        #expect(summary.written == 75)
        #expect(summary.reconciles)
        #expect(summary.exitCode == 1)
        let dead = RunProbe.named("dead-\(name)").writtenPages.withLock { $0 }
        #expect(dead.count == 12)
        let step = summary.steps.first { $0.label == "test-picky" }
        #expect(step?.failed == 10)
        #expect(step?.skipped == 13)
    }

    @Test func limitStopsTheSources() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 1000}], "steps": [],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"}}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline, limit: 25).run()
        #expect(summary.input == 25)
        #expect(summary.written == 25)
    }

    @Test func aFailingSourceIsADeadLetterAndOtherSourcesGoOn() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 10, "failAfter": 5},
                         {"use": "test-counting", "probe": "\(name)-b", "count": 10, "scheme": "other"}], "steps": [],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"}}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 15)
        #expect(summary.sourceFailures == 1)
        #expect(summary.exitCode == 1)
        #expect(RunProbe.named("dead-\(name)").writtenPages.withLock { $0 }.count == 1)
    }

    @Test func aPageSentByTwoSourcesIsTakenOnce() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)-a", "count": 10}, {"use": "test-counting", "probe": "\(name)-b", "count": 15}],
             "steps": [], "sinks": [{"use": "test-probe", "probe": "\(name)"}], "deadLetters": {"use": "test-probe", "probe": "dead-\(name)"}}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.input == 15)
        #expect(summary.written == 15)
        #expect(summary.repeatedURLs == 10)
        #expect(Set(RunProbe.named(name).writtenPages.withLock { $0 }).count == 15)
    }

    @Test func aFailingDeadLetterSinkStopsTheRun() async throws {
        let name = UUID().uuidString
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(name)", "count": 10}], "steps": [{"use": "test-picky", "every": 3}],
             "sinks": [{"use": "test-probe", "probe": "\(name)"}],
             "deadLetters": {"use": "test-probe", "probe": "dead-\(name)", "failPages": [-1]}}
            """)
        await #expect(throws: RunError.self) { try await PipelineRunner(pipeline: pipeline).run() }
    }

    /// Issue #10: a sink that cannot be opened used to leave the sinks before it truncated.
    @Test func aSinkThatCannotOpenLeavesTheEarlierOutputAsItWas() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let lastRun = Data((1...5).map { "{\"page\":\($0)}\n" }.joined().utf8)
        try lastRun.write(to: output.url.appendingPathComponent("articles.jsonl"))
        try FileManager.default.createDirectory(atPath: output.path("articles.sqlite"), withIntermediateDirectories: false)
        let pipeline = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(UUID().uuidString)", "count": 3}], "steps": [],
             "sinks": [{"use": "jsonl", "path": "\(output.path("articles.jsonl"))"}, {"use": "sqlite", "path": "\(output.path("articles.sqlite"))"}],
             "deadLetters": {"use": "jsonl", "path": "\(output.path("dead.jsonl"))"}}
            """)
        let error = try await #require(throws: RunError.self) { try await PipelineRunner(pipeline: pipeline).run() }
        #expect(error.description.contains("cannot open sink \"sqlite\""))
        #expect(try Data(contentsOf: output.url.appendingPathComponent("articles.jsonl")) == lastRun)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.url.path).sorted() == ["articles.jsonl", "articles.sqlite"])
    }

    @Test func aRunThatStopsLeavesTheLastOutputAndOneThatSucceedsReplacesIt() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let lastRun = Data((1...5).map { "{\"page\":\($0)}\n" }.joined().utf8)
        try lastRun.write(to: output.url.appendingPathComponent("articles.jsonl"))
        // The dead-letter sink fails at the first failed record: the run stops (a fatal error).
        let failing = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(UUID().uuidString)", "count": 10}], "steps": [{"use": "test-picky", "every": 3}],
             "sinks": [{"use": "jsonl", "path": "\(output.path("articles.jsonl"))"}],
             "deadLetters": {"use": "test-probe", "probe": "dead-\(UUID().uuidString)", "failPages": [-1]}}
            """)
        await #expect(throws: RunError.self) { try await PipelineRunner(pipeline: failing).run() }
        #expect(try Data(contentsOf: output.url.appendingPathComponent("articles.jsonl")) == lastRun)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.url.path) == ["articles.jsonl"])

        let succeeding = try pipeline("""
            {"sources": [{"use": "test-counting", "probe": "\(UUID().uuidString)", "count": 10}], "steps": [],
             "sinks": [{"use": "jsonl", "path": "\(output.path("articles.jsonl"))"}],
             "deadLetters": {"use": "test-probe", "probe": "dead-\(UUID().uuidString)"}}
            """)
        let summary = try await PipelineRunner(pipeline: succeeding).run()
        #expect(summary.written == 10)
        #expect(try readJSONLines(output.path("articles.jsonl")).count == 10)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.url.path) == ["articles.jsonl"])
    }

    /// A list file's URLs are known only when the run reads it (inline URLs are checked by the loader).
    @Test func aURLNoFetcherReadsIsADeadLetter() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let list = try output.write("file:///nonexistent/etl-test.html\n", to: "list.txt")
        let pipeline = try pipeline("""
            {"sources": [{"use": "urls", "file": "\(list)"}], "fetch": ["http"],
             "sinks": [{"use": "jsonl", "path": "\(output.path("a.jsonl"))"}], "deadLetters": {"use": "jsonl", "path": "\(output.path("dead.jsonl"))"}}
            """)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.deadLetters == 1)
        let dead = try readJSONLines(output.path("dead.jsonl"))
        #expect((dead.first?["reason"] as? String)?.contains("no fetcher reads \"file\" URLs") == true)
        #expect(dead.first?["step"] as? String == "fetch")
    }
}

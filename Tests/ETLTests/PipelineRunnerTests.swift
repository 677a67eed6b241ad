import ETLKit
import ETLPlugins
import ETLTestSupport
import Foundation
import Synchronization
import Testing

/// What the test plugins below saw, handed to them when a test builds them: each test has its own.
final class RunProbe: Sendable {
    let emitted = Atomic<Int>(0)
    let written = Atomic<Int>(0)
    let maximumAhead = Atomic<Int>(0)
    /// Document bytes between ``HoldingTransform`` and ``ProbeSink``, and the most seen at once.
    let bytesInFlight = Atomic<Int>(0)
    let mostBytesInFlight = Atomic<Int>(0)
    let writtenPages = Mutex<[Int]>([])
}

/// An error a test plugin throws on purpose.
struct TestFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// The test plugins are built by the tests with their probe, never from a pipeline file.
private func notFromOptions(_ id: String) -> TestFailure {
    TestFailure(reason: "\(id) is built by the runner tests, not from options")
}

/// A source of `count` records that carry their document already (no fetch), counting what it sent.
struct CountingSource: Source {
    static let descriptor = PluginDescriptor(id: "test-counting", kind: .source, summary: "test", options: [])
    let probe: RunProbe, count: Int, failAfter: Int?, scheme: String, documentBytes: Int
    init(probe: RunProbe, count: Int, failAfter: Int? = nil, scheme: String = "test", documentBytes: Int = 1000) {
        self.probe = probe
        self.count = count
        self.failAfter = failAfter
        self.scheme = scheme
        self.documentBytes = documentBytes
    }
    init(options: PluginOptions) throws { throw notFromOptions(Self.descriptor.id) }
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
    static let descriptor = PluginDescriptor(id: "test-picky", kind: .transform, summary: "test", options: [])
    let every: Int, skipEvery: Int
    init(every: Int = 1_000_000, skipEvery: Int = 1_000_000) {
        self.every = every
        self.skipEvery = skipEvery
    }
    init(options: PluginOptions) throws { throw notFromOptions(Self.descriptor.id) }
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
    static let descriptor = PluginDescriptor(id: "test-holding", kind: .transform, summary: "test", options: [])
    let probe: RunProbe
    init(probe: RunProbe) { self.probe = probe }
    init(options: PluginOptions) throws { throw notFromOptions(Self.descriptor.id) }
    func apply(to record: Record, context: RunContext) async throws -> Record? {
        let bytes = record.document?.text.utf8.count ?? 0
        let now = probe.bytesInFlight.add(bytes, ordering: .sequentiallyConsistent).newValue
        probe.mostBytesInFlight.max(now, ordering: .sequentiallyConsistent)
        try await Task.sleep(for: .milliseconds(5))
        return record
    }
}

/// An in-memory sink: records how far the source runs ahead of what is written, and fails the
/// pages listed in `failPages` (-1: any record without a page, as dead letters are).
actor ProbeSink: Sink {
    static let descriptor = PluginDescriptor(id: "test-probe", kind: .sink, summary: "test", options: [])
    let probe: RunProbe, failPages: Set<Int>
    init(probe: RunProbe, failPages: Set<Int> = []) {
        self.probe = probe
        self.failPages = failPages
    }
    init(options: PluginOptions) throws { throw notFromOptions(Self.descriptor.id) }
    func open(context: RunContext) async throws {}
    func write(_ record: Record) async throws {
        let page = record.fields["page"]?.integerValue ?? -1
        if failPages.contains(page) { throw TestFailure(reason: "sink refused page \(page)") }
        probe.bytesInFlight.subtract(record.document?.text.utf8.count ?? 0, ordering: .sequentiallyConsistent)
        let written = probe.written.add(1, ordering: .sequentiallyConsistent).newValue
        let ahead = probe.emitted.load(ordering: .sequentiallyConsistent) - written
        probe.maximumAhead.max(ahead, ordering: .sequentiallyConsistent)
        probe.writtenPages.withLock { $0.append(page) }
    }
    func close() async throws {}
}

/// The runner through its public API: pipelines built from plugin values (``Pipeline/init``),
/// in-memory sinks that each test owns, no registry.
@Suite struct PipelineRunnerTests {
    /// A pipeline of these plugins, each stage named by its place as the loader would name it.
    func pipeline(
        sources: [any Source], fetchers: [any Fetcher] = [], steps: [ProcessingStep] = [], sinks: [any Sink],
        deadLetters: any Sink, concurrency: Int = 16, maxBytesInFlight: Int = PipelineLoader.defaultMaxBytesInFlight
    ) -> Pipeline {
        func stages<T>(_ key: String, _ instances: [T], id: (T) -> String) -> [PipelineStage<T>] {
            instances.enumerated().map { index, instance in
                PipelineStage(id: id(instance), path: JSONPath([.key(key), .index(index)]), instance: instance)
            }
        }
        return Pipeline(
            name: "test",
            sources: stages("sources", sources) { type(of: $0).descriptor.id },
            fetchers: stages("fetch", fetchers) { type(of: $0).descriptor.id },
            steps: stages("steps", steps) { step in
                switch step {
                case .cleaner(let cleaner): type(of: cleaner).descriptor.id
                case .transform(let transform): type(of: transform).descriptor.id
                }
            },
            sinks: stages("sinks", sinks) { type(of: $0).descriptor.id },
            deadLetters: PipelineStage(id: type(of: deadLetters).descriptor.id, path: JSONPath([.key("deadLetters")]), instance: deadLetters),
            concurrency: concurrency, maxBytesInFlight: maxBytesInFlight)
    }

    /// A plugin built from options, as a pipeline file would build it.
    func plugin<T: Plugin>(_ type: T.Type, _ options: [String: JSONValue]) throws -> T {
        try T(options: PluginOptions(options))
    }

    @Test func recordsStreamWithBoundedMemory() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 3000)], sinks: [ProbeSink(probe: probe)],
            deadLetters: ProbeSink(probe: RunProbe()), concurrency: 4)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 3000)
        #expect(probe.written.load(ordering: .sequentiallyConsistent) == 3000)
        // The source can be ahead of the sink by the records in flight only: workers + channel hand-offs.
        let ahead = probe.maximumAhead.load(ordering: .sequentiallyConsistent)
        #expect(ahead <= 4 + 4, "the source ran \(ahead) records ahead of the sink")
    }

    /// Issue #10: memory follows page size. Eight workers on 3,000-byte documents would hold 24,000
    /// bytes at once; a budget of 10,000 lets three through at a time.
    @Test func documentBytesInFlightStayWithinTheBudget() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 120, documentBytes: 3000)],
            steps: [.transform(HoldingTransform(probe: probe))], sinks: [ProbeSink(probe: probe)],
            deadLetters: ProbeSink(probe: RunProbe()), concurrency: 8, maxBytesInFlight: 10000)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 120)
        let most = probe.mostBytesInFlight.load(ordering: .sequentiallyConsistent)
        #expect(most <= 10000, "\(most) document bytes were in flight at once")
        #expect(most >= 3000)
    }

    @Test func aDocumentLargerThanTheBudgetRunsAlone() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 20, documentBytes: 5000)],
            steps: [.transform(HoldingTransform(probe: probe))], sinks: [ProbeSink(probe: probe)],
            deadLetters: ProbeSink(probe: RunProbe()), concurrency: 4, maxBytesInFlight: 1000)
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 20)
        #expect(probe.mostBytesInFlight.load(ordering: .sequentiallyConsistent) == 5000)
    }

    @Test func failuresGoToDeadLettersAndTheRunGoesOn() async throws {
        let probe = RunProbe()
        let dead = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 100)],
            steps: [.transform(PickyTransform(every: 10, skipEvery: 7))],
            sinks: [ProbeSink(probe: probe, failPages: [1, 2])], deadLetters: ProbeSink(probe: dead))
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        // Pages 0, 10, …, 90 fail in the step (10); 7, 14, …, 98 but not 70 are skipped (13); 1 and 2 fail in the sink.
        #expect(summary.input == 100)
        #expect(summary.deadLetters == 12)
        #expect(summary.skipped == 13)
        #expect(summary.written == 75)
        #expect(summary.reconciles)
        #expect(summary.exitCode == 1)
        #expect(dead.writtenPages.withLock { $0 }.count == 12)
        let step = summary.steps.first { $0.label == "test-picky" }
        #expect(step?.failed == 10)
        #expect(step?.skipped == 13)
    }

    @Test func limitStopsTheSources() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 1000)], sinks: [ProbeSink(probe: probe)],
            deadLetters: ProbeSink(probe: RunProbe()))
        let summary = try await PipelineRunner(pipeline: pipeline, limit: 25).run()
        #expect(summary.input == 25)
        #expect(summary.written == 25)
    }

    @Test func aFailingSourceIsADeadLetterAndOtherSourcesGoOn() async throws {
        let probe = RunProbe()
        let dead = RunProbe()
        let pipeline = pipeline(
            sources: [
                CountingSource(probe: probe, count: 10, failAfter: 5),
                CountingSource(probe: RunProbe(), count: 10, scheme: "other"),
            ],
            sinks: [ProbeSink(probe: probe)], deadLetters: ProbeSink(probe: dead))
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.written == 15)
        #expect(summary.sourceFailures == 1)
        #expect(summary.exitCode == 1)
        #expect(dead.writtenPages.withLock { $0 }.count == 1)
    }

    @Test func aPageSentByTwoSourcesIsTakenOnce() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: RunProbe(), count: 10), CountingSource(probe: RunProbe(), count: 15)],
            sinks: [ProbeSink(probe: probe)], deadLetters: ProbeSink(probe: RunProbe()))
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.input == 15)
        #expect(summary.written == 15)
        #expect(summary.repeatedURLs == 10)
        #expect(Set(probe.writtenPages.withLock { $0 }).count == 15)
    }

    @Test func aFailingDeadLetterSinkStopsTheRun() async throws {
        let probe = RunProbe()
        let pipeline = pipeline(
            sources: [CountingSource(probe: probe, count: 10)], steps: [.transform(PickyTransform(every: 3))],
            sinks: [ProbeSink(probe: probe)], deadLetters: ProbeSink(probe: RunProbe(), failPages: [-1]))
        await #expect(throws: RunError.self) { try await PipelineRunner(pipeline: pipeline).run() }
    }

    /// Issue #10: a sink that cannot be opened used to leave the sinks before it truncated.
    @Test func aSinkThatCannotOpenLeavesTheEarlierOutputAsItWas() async throws {
        let output = try TemporaryFolder()
        defer { output.remove() }
        let lastRun = Data((1...5).map { "{\"page\":\($0)}\n" }.joined().utf8)
        try lastRun.write(to: output.url.appendingPathComponent("articles.jsonl"))
        try FileManager.default.createDirectory(atPath: output.path("articles.sqlite"), withIntermediateDirectories: false)
        let pipeline = try pipeline(
            sources: [CountingSource(probe: RunProbe(), count: 3)],
            sinks: [
                plugin(JSONLSink.self, ["path": .string(output.path("articles.jsonl"))]),
                plugin(SQLiteSink.self, ["path": .string(output.path("articles.sqlite"))]),
            ],
            deadLetters: plugin(JSONLSink.self, ["path": .string(output.path("dead.jsonl"))]))
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
        let failing = try pipeline(
            sources: [CountingSource(probe: RunProbe(), count: 10)], steps: [.transform(PickyTransform(every: 3))],
            sinks: [plugin(JSONLSink.self, ["path": .string(output.path("articles.jsonl"))])],
            deadLetters: ProbeSink(probe: RunProbe(), failPages: [-1]))
        await #expect(throws: RunError.self) { try await PipelineRunner(pipeline: failing).run() }
        #expect(try Data(contentsOf: output.url.appendingPathComponent("articles.jsonl")) == lastRun)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.url.path) == ["articles.jsonl"])

        let succeeding = try pipeline(
            sources: [CountingSource(probe: RunProbe(), count: 10)],
            sinks: [plugin(JSONLSink.self, ["path": .string(output.path("articles.jsonl"))])],
            deadLetters: ProbeSink(probe: RunProbe()))
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
        let pipeline = try pipeline(
            sources: [plugin(URLListSource.self, ["file": .string(list)])],
            fetchers: [plugin(HTTPFetcher.self, [:])],
            sinks: [plugin(JSONLSink.self, ["path": .string(output.path("a.jsonl"))])],
            deadLetters: plugin(JSONLSink.self, ["path": .string(output.path("dead.jsonl"))]))
        let summary = try await PipelineRunner(pipeline: pipeline).run()
        #expect(summary.deadLetters == 1)
        let dead = try readJSONLines(output.path("dead.jsonl"))
        #expect((dead.first?["reason"] as? String)?.contains("no fetcher reads \"file\" URLs") == true)
        #expect(dead.first?["step"] as? String == "fetch")
    }
}

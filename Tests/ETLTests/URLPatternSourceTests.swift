import ETLKit
import ETLPlugins
import Synchronization
import Testing

/// The `pattern` source (also the README's example plugin).
@Suite struct URLPatternSourceTests {
    @Test func numbersFillTheTemplate() async throws {
        let source = try URLPatternSource(options: PluginOptions(["template": "https://example.com/archive?page={n}", "from": 2, "to": 8, "step": 3]))
        let sent = Mutex<[Record]>([])
        try await source.produce(into: RecordOutput { record in sent.withLock { $0.append(record) } }, context: RunContext(logger: .init(label: "test")))
        let records = sent.withLock { $0 }
        #expect(records.map(\.url) == ["https://example.com/archive?page=2", "https://example.com/archive?page=5", "https://example.com/archive?page=8"])
        #expect(records.map { $0.fields["page"] } == [2, 5, 8])
        #expect(records.allSatisfy { $0.source == "pattern" })
    }

    @Test func badOptionsAreRefused() {
        #expect(throws: OptionError.self) { try URLPatternSource(options: PluginOptions(["template": "https://example.com/", "to": 3])) }
        #expect(throws: OptionError.self) { try URLPatternSource(options: PluginOptions(["template": "https://example.com/{n}", "from": 5, "to": 3])) }
    }
}

import ETLKit
import ETLTestSupport
import Foundation
import Logging
import Testing

@testable import ETLPlugins

/// The `process`, `process-source` and `process-sink` plugins, with real programs (python3 and
/// /bin/sh scripts written to a temporary folder) in real pipeline runs. Serialized: each test
/// starts Python processes, and on two cores a dozen at once would slow the suite's timing tests.
@Suite(.serialized) struct ProcessPluginTests {
    /// A folder of its own per test, with the scripts and the outputs.
    struct Workspace {
        let folder: URL

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("process-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        /// Writes a file (a script, a page) and returns its path.
        @discardableResult
        func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
            let path = path(name)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
            return path
        }

        /// Small pages `p1.txt` … `pN.txt` and the glob for them.
        func pages(_ count: Int) throws -> String {
            for number in 1...count { try write("p\(number).txt", "page \(number) text") }
            return path("p*.txt")
        }

        /// The objects of a JSON Lines file, or none when it does not exist.
        func lines(_ name: String) throws -> [[String: JSONValue]] {
            guard FileManager.default.fileExists(atPath: path(name)) else { return [] }
            return try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map { line in
                try #require(JSONNodeParser.parse(String(line)).value.objectValue)
            }
        }

        func remove() {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Runs a pipeline file's text; `$W` in it stands for the workspace folder.
    func run(_ text: String, in workspace: Workspace) async throws -> RunSummary {
        let pipeline = try PipelineLoader(registry: .builtins, environment: [:])
            .load(text: text.replacingOccurrences(of: "$W", with: workspace.folder.path))
        return try await PipelineRunner(pipeline: pipeline, logger: Logger(label: "etl.tests.process")).run()
    }

    /// A pipeline over `count` small local pages, through `step` (JSON), to `out.jsonl` and `dead.jsonl`.
    func pipeline(step: String, pages count: Int, in workspace: Workspace, concurrency: Int = 4) throws -> String {
        let glob = try workspace.pages(count)
        return """
            {"sources": [{"use": "files", "glob": "\(glob)"}], "steps": [\(step)],
             "sinks": [{"use": "jsonl", "path": "$W/out.jsonl"}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"},
             "concurrency": \(concurrency)}
            """
    }

    /// A python3 transform: `body` is the loop's work on `record` (the parsed line), which ends
    /// with `answer(value)`.
    func pythonTransform(_ body: String, in workspace: Workspace, name: String = "transform.py") throws -> String {
        try workspace.write(
            name,
            """
            import json, sys, os, time
            def answer(value):
                sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\\n")
                sys.stdout.flush()
            for line in sys.stdin:
                record = json.loads(line)
            \(body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """)
    }

    // MARK: process (transform)

    @Test func transformChangesRecordsOfARealRun() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try pythonTransform(
            """
            record["words"] = len(record.get("body", "").split())
            record["seenBy"] = "python"
            answer(record)
            """, in: workspace)
        let root = FileManager.default.currentDirectoryPath
        let text = """
            {"sources": [{"use": "files", "glob": "\(root)/pipelines/demo-pages/*.html"}],
             "steps": ["html", "article", {"use": "process", "command": ["python3", "\(script)"], "concurrency": 2, "inFlight": 2}],
             "sinks": [{"use": "jsonl", "path": "$W/out.jsonl"}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
            """
        let summary = try await run(text, in: workspace)
        #expect(summary.written == 5 && summary.deadLetters == 0)
        let records = try workspace.lines("out.jsonl")
        #expect(records.count == 5)
        for record in records {
            #expect(record["seenBy"] == "python")
            // The article's fields went to the program and came back; it counted the body's words.
            let body = try #require(record["body"]?.stringValue)
            #expect((record["words"]?.integerValue ?? 0) > body.count / 20)
            #expect(record["title"]?.stringValue?.isEmpty == false)
            // Provenance is the record's own and still there.
            #expect(record["url"]?.stringValue?.hasPrefix("file://") == true)
            #expect(record["fetchedAt"] != nil && record["status"] == 200)
        }
    }

    @Test func nullDropsTheRecordAndAnErrorObjectRefusesIt() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try pythonTransform(
            """
            if record["url"].endswith("/p2.txt"):
                answer(None)
            elif record["url"].endswith("/p3.txt"):
                answer({"$error": "too short for us"})
            else:
                record["kept"] = True
                answer(record)
            """, in: workspace)
        let summary = try await run(pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"]}"#, pages: 4, in: workspace), in: workspace)
        #expect(summary.input == 4 && summary.written == 2 && summary.skipped == 1 && summary.deadLetters == 1)
        #expect(
            Set(try workspace.lines("out.jsonl").compactMap { $0["url"]?.stringValue?.split(separator: "/").last.map(String.init) }) == ["p1.txt", "p4.txt"])
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["step"] == "process")
        #expect(dead["reason"] == "process refused the record: too short for us")
    }

    @Test func aMalformedAnswerIsADeadLetterAndTheRunGoesOn() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try pythonTransform(
            """
            if record["url"].endswith("/p2.txt"):
                print("this is not JSON " + "x" * 300, flush=True)
            elif record["url"].endswith("/p3.txt"):
                answer([1, 2])
            else:
                answer(record)
            """, in: workspace)
        let summary = try await run(pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"]}"#, pages: 5, in: workspace), in: workspace)
        #expect(summary.written == 3 && summary.deadLetters == 2)
        let reasons = try workspace.lines("dead.jsonl").reduce(into: [String: String]()) { reasons, dead in
            reasons[dead["url"]?.stringValue?.split(separator: "/").last.map(String.init) ?? ""] = dead["reason"]?.stringValue
        }
        let notJSON = try #require(reasons["p2.txt"])
        #expect(notJSON.hasPrefix("process answered with a line that is not JSON"))
        // The line's first 200 characters, no more.
        #expect(notJSON.contains("\"this is not JSON xxx"))
        #expect(notJSON.hasSuffix(String(repeating: "x", count: 183) + "…\""))
        #expect(reasons["p3.txt"] == "process answered with an array, not an object or null: \"[1, 2]\"")
    }

    @Test func aStrayLineOnStandardOutputNeverGivesARecordAnotherRecordsAnswer() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        // A debugging print before one answer: its real answer comes one line late.
        let script = try pythonTransform(
            """
            if record["url"].endswith("/p2.txt"):
                print("debug: looking at", record["url"], flush=True)
            record["mine"] = record["url"]
            answer(record)
            """, in: workspace)
        let summary = try await run(pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"]}"#, pages: 5, in: workspace), in: workspace)
        #expect(summary.written == 4 && summary.deadLetters == 1)
        // The process was started again after the stray line: no record got the answer meant for another.
        #expect(try workspace.lines("out.jsonl").allSatisfy { $0["mine"] == $0["url"] })
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["url"]?.stringValue?.hasSuffix("/p2.txt") == true)
        #expect(dead["reason"]?.stringValue?.hasPrefix("process answered with a line that is not JSON") == true)
    }

    @Test func anAnswerForAnotherURLIsOutOfStep() throws {
        func check(_ answer: String) -> Result<JSONValue, ProcessPluginError> {
            ProcessTransform.check(OutputLine(bytes: Array(answer.utf8), length: answer.utf8.count), url: "https://a.example/1", command: "p")
        }
        guard case .failure(let error) = check(#"{"url": "https://a.example/0", "title": "x"}"#) else {
            Issue.record("an answer for another URL was taken")
            return
        }
        #expect(error.code == .malformedLine)
        #expect(error.message.hasPrefix("process answered with the record of another URL, https://a.example/0 (its answers are out of step with the records"))
        #expect((try? check(#"{"url": "https://a.example/1", "title": "x"}"#).get()) != nil)
        #expect((try? check(#"{"title": "no url: the record's own"}"#).get()) != nil)
        #expect((try? check("null").get()) == .null)
        #expect((try? check(#"{"$error": "refused"}"#).get()) != nil)
        #expect((try? check("").get()) == nil)
        #expect((try? check("3").get()) == nil)
        #expect((try? check(#"{"url": "https://a.example/1"} trailing"#).get()) == nil)
    }

    @Test func aCrashDeadLettersTheRecordInFlightAndTheProcessStartsAgain() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let starts = workspace.path("starts.log")
        let script = try workspace.write(
            "crash.py",
            """
            import json, sys
            open("\(starts)", "a").write("start\\n")
            for line in sys.stdin:
                record = json.loads(line)
                if record["url"].endswith("/p3.txt"):
                    sys.stderr.write("Traceback (most recent call last):\\nValueError: cannot handle p3\\n")
                    sys.exit(3)
                record["ok"] = True
                print(json.dumps(record), flush=True)
            """)
        let summary = try await run(pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"]}"#, pages: 6, in: workspace), in: workspace)
        #expect(summary.written == 5 && summary.deadLetters == 1)
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["url"]?.stringValue?.hasSuffix("/p3.txt") == true)
        #expect(dead["reason"] == "process exited with status 3 (stderr tail: Traceback (most recent call last): | ValueError: cannot handle p3)")
        // Started once, and once more after the crash (when a record came after it).
        let startCount = try String(contentsOfFile: starts, encoding: .utf8).split(separator: "\n").count
        #expect(startCount == 1 || startCount == 2)
        #expect(try workspace.lines("out.jsonl").allSatisfy { $0["ok"] == true })
    }

    @Test func aCrashFailsOnlyTheRecordsInFlightAtThatProcess() async throws {
        // Lines a, b answered; then three lines in flight at once, the program exits after reading one.
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try workspace.write(
            "crash.sh",
            """
            #!/bin/sh
            while read -r line; do
              case "$line" in
                *crash*) echo "giving up on $line" >&2; sleep 1; exit 7 ;;
                *) echo '{"answered": true}' ;;
              esac
            done
            """, executable: true)
        let pool = LineProcessPool(
            .init(
                command: try command([script]), label: "process", processes: 1, inFlight: 4,
                timeout: .seconds(20), restarts: 3, closeGrace: .seconds(5)),
            logger: Logger(label: "etl.tests.process"))
        func ask(_ name: String) async throws -> JSONValue {
            try await pool.submit(Array("{\"n\": \"\(name)\"}\n".utf8)) { line in
                Result { try JSONNodeParser.parse(bytes: line.bytes).value }.mapError { ProcessPluginError(.malformedLine, "\($0)", command: "") }
            }
        }
        let answered: JSONValue = ["answered": true]
        #expect(try await ask("a") == answered)
        #expect(try await ask("b") == answered)
        // The crash line goes first and two more follow while the program still sleeps on it.
        let crash = Task { try await ask("crash") }
        try await Task.sleep(for: .milliseconds(100))
        let behind = [Task { try await ask("c") }, Task { try await ask("d") }]
        for task in [crash] + behind {
            guard case .failure(let error as ProcessPluginError) = await task.result else {
                Issue.record("a line in flight at the crashed process was answered")
                continue
            }
            #expect(error.code == .exited)
            #expect(error.message == #"process exited with status 7 (stderr tail: giving up on {"n": "crash"})"#)
        }
        // The next line starts a new process.
        #expect(try await ask("e") == answered)
        let exits = await pool.finish()
        #expect(exits == [ProcessExit(status: .exited(0))])
    }

    @Test func afterRestartsInARowTheStepGivesUpAndTheRunGoesOn() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try workspace.write("broken.sh", "#!/bin/sh\necho 'cannot load the model' >&2\nexit 2\n", executable: true)
        let summary = try await run(
            pipeline(step: #"{"use": "process", "command": ["\#(script)"], "restarts": 1}"#, pages: 4, in: workspace, concurrency: 1), in: workspace)
        #expect(summary.written == 0 && summary.deadLetters == 4)
        let reasons = try workspace.lines("dead.jsonl").compactMap { $0["reason"]?.stringValue }
        #expect(reasons.count == 4)
        #expect(reasons.prefix(2).allSatisfy { $0 == "process exited with status 2 (stderr tail: cannot load the model)" })
        #expect(
            reasons.dropFirst(2).allSatisfy {
                $0.hasPrefix("process failed 2 times in a row (restarts: 1), so it is not started again this run; last: process exited with status 2")
            })
    }

    @Test func aRecordThatTakesTooLongIsADeadLetterAndTheOthersAreSentAgain() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let slowProcess = workspace.path("slow.pid")
        let script = try pythonTransform(
            """
            if record["url"].endswith("/p2.txt"):
                open("\(slowProcess)", "w").write(str(os.getpid()))
                time.sleep(60)
            record["done"] = True
            answer(record)
            """, in: workspace)
        let summary = try await run(
            pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"], "timeout": 3, "inFlight": 4}"#, pages: 5, in: workspace), in: workspace)
        #expect(summary.written == 4 && summary.deadLetters == 1)
        // The process that slept on p2 was stopped (not left to sleep its minute out).
        let pid = try #require(Int32(String(contentsOfFile: slowProcess, encoding: .utf8)))
        let deadline = ContinuousClock.now + .seconds(20)
        while kill(pid, 0) == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(kill(pid, 0) != 0, "the timed-out process \(pid) still runs")
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["url"]?.stringValue?.hasSuffix("/p2.txt") == true)
        #expect(dead["reason"] == "process gave no answer within 3 s, and was stopped")
        #expect(try workspace.lines("out.jsonl").allSatisfy { $0["done"] == true })
    }

    @Test func theProcessesGetTheEndOfTheirInputWhenTheRunIsOver() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let marker = workspace.path("ended")
        let script = try workspace.write(
            "ends.py",
            """
            import json, sys
            for line in sys.stdin:
                print(line.strip(), flush=True)
            open("\(marker)", "w").write("end of input\\n")
            """)
        let summary = try await run(
            pipeline(step: #"{"use": "process", "command": ["python3", "\#(script)"], "concurrency": 2}"#, pages: 3, in: workspace), in: workspace)
        #expect(summary.written == 3)
        // The run's services are released with the run; the pool closes its processes' input.
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: marker) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    // MARK: process-source

    @Test func aSourceProgramSendsRecordsWithTheirFields() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.pages(3)
        let script = try workspace.write(
            "source.py",
            """
            import json, sys
            for n in range(1, 4):
                print(json.dumps({"url": "file://$W/p%d.txt" % n, "rank": n, "title": "صفحه %d" % n}, ensure_ascii=False))
            print("a line that is not a record")
            print(json.dumps({"title": "no url"}))
            """.replacingOccurrences(of: "$W", with: workspace.folder.path))
        let summary = try await run(
            """
            {"sources": [{"use": "process-source", "command": ["python3", "\(script)"]}], "steps": [],
             "sinks": [{"use": "jsonl", "path": "$W/out.jsonl"}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
            """, in: workspace)
        #expect(summary.written == 3 && summary.sourceFailures == 1)
        let records = try workspace.lines("out.jsonl").sorted { ($0["rank"]?.integerValue ?? 0) < ($1["rank"]?.integerValue ?? 0) }
        #expect(records.map { $0["rank"] } == [1, 2, 3])
        #expect(records.first?["title"] == "صفحه 1")
        #expect(records.first?["status"] == 200)  // fetched by the file fetcher
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["step"] == "source:process-source")
        #expect(
            dead["reason"]
                == "process-source wrote 2 lines that are not a record (a JSON object with a url); the first: line 4 is not JSON: \"a line that is not a record\""
        )
    }

    @Test func aSourceThatExitsWithAnErrorFailsWithTheEndOfItsStandardError() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        _ = try workspace.pages(1)
        let script = try workspace.write(
            "source.sh",
            """
            #!/bin/sh
            echo '{"url": "file://\(workspace.path("p1.txt"))"}'
            echo 'connection refused by the archive' >&2
            exit 4
            """, executable: true)
        let summary = try await run(
            """
            {"sources": [{"use": "process-source", "command": "\(script)", "restarts": 1}], "steps": [],
             "sinks": [{"use": "jsonl", "path": "$W/out.jsonl"}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
            """, in: workspace)
        // Run twice (restarts: 1); the URL it sent again is taken once.
        #expect(summary.written == 1 && summary.sourceFailures == 1 && summary.repeatedURLs == 1)
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["reason"] == "process-source: process exited with status 4 (stderr tail: connection refused by the archive), after 1 line")
    }

    @Test func aSilentSourceIsStoppedAfterItsTimeout() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let summary = try await run(
            """
            {"sources": [{"use": "process-source", "command": ["/bin/sh", "-c", "sleep 30"], "timeout": 0.3}], "steps": [],
             "sinks": [{"use": "jsonl", "path": "$W/out.jsonl"}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
            """, in: workspace)
        #expect(summary.sourceFailures == 1)
        let dead = try #require(try workspace.lines("dead.jsonl").first)
        #expect(dead["reason"] == "process-source wrote no line for 0.3 s, and was stopped after 0 lines")
    }

    @Test(.timeLimit(.minutes(1))) func anEndlessSourceStopsAtTheRunsLimit() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try workspace.write(
            "endless.sh",
            """
            #!/bin/sh
            i=0
            while true; do i=$((i+1)); echo "{\\"url\\": \\"file:///nowhere/$i.txt\\"}"; done
            """, executable: true)
        let pipeline = try PipelineLoader(registry: .builtins, environment: [:]).load(
            text: """
                {"sources": [{"use": "process-source", "command": ["\(script)"]}], "steps": [],
                 "sinks": [{"use": "jsonl", "path": "\(workspace.path("out.jsonl"))"}], "deadLetters": {"use": "jsonl", "path": "\(workspace.path("dead.jsonl"))"}}
                """)
        // The pipeline takes three records; the program, blocked on its full pipe, is stopped.
        let summary = try await PipelineRunner(pipeline: pipeline, limit: 3, logger: Logger(label: "etl.tests.process")).run()
        #expect(summary.input == 3 && summary.sourceFailures == 0)
    }

    // MARK: process-sink

    @Test func aSinkWriteReturnsOnlyOnceTheProgramAcknowledgedIt() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let written = workspace.path("written.txt")
        let script = try workspace.write(
            "sink.py",
            """
            import json, signal, sys, time
            def stop(signum, frame):
                open("\(written)", "a").write("terminated\\n")
                sys.exit(0)
            signal.signal(signal.SIGTERM, stop)
            for line in sys.stdin:
                record = json.loads(line)
                if record["url"].endswith("/refused"):
                    print(json.dumps({"ok": False, "error": "the table is read-only"}), flush=True)
                    continue
                time.sleep(0.2)  # slow storage: the acknowledgement comes only after the write
                with open("\(written)", "a") as out:
                    out.write(record["url"] + "\\n")
                print(json.dumps({"ok": True}), flush=True)
            open("\(written)", "a").write("closed\\n")
            """)
        func contents() throws -> [String] {
            guard FileManager.default.fileExists(atPath: written) else { return [] }
            return try String(contentsOfFile: written, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let options = PluginOptions(["command": ["python3", .string(script)]])
        let context = RunContext(logger: Logger(label: "etl.tests.process"))

        let sink = try ProcessSink(options: options)
        try await sink.open(context: context)
        try await sink.write(Record(url: "https://example.com/a", source: "test"))
        #expect(try contents() == ["https://example.com/a"])
        try await sink.write(Record(url: "https://example.com/b", source: "test"))
        try await sink.flush()
        #expect(try contents() == ["https://example.com/a", "https://example.com/b"])
        await #expect(throws: ProcessPluginError.self) { try await sink.write(Record(url: "https://example.com/refused", source: "test")) }
        // Closing waits for the program to finish and exit.
        try await sink.close()
        #expect(try contents().last == "closed")

        // A failed run: SIGTERM instead of the end of input.
        try FileManager.default.removeItem(atPath: written)
        let discarded = try ProcessSink(options: options)
        try await discarded.open(context: context)
        try await discarded.write(Record(url: "https://example.com/c", source: "test"))
        try await discarded.discard()
        #expect(try contents() == ["https://example.com/c", "terminated"])
    }

    @Test func aSinkRefusalIsADeadLetterOfARealRun() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try workspace.write(
            "sink.sh",
            """
            #!/bin/sh
            while read -r line; do
              case "$line" in
                *p2.txt*) echo '{"ok": false, "error": "duplicate key"}' ;;
                *p3.txt*) echo 'OK' ;;
                *) printf '%s\\n' "$line" >> "\(workspace.path("rows.jsonl"))"; echo '{"ok": true}' ;;
              esac
            done
            """, executable: true)
        let glob = try workspace.pages(4)
        let summary = try await run(
            """
            {"sources": [{"use": "files", "glob": "\(glob)"}], "steps": [],
             "sinks": [{"use": "process-sink", "command": ["\(script)"]}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
            """, in: workspace)
        #expect(summary.written == 2 && summary.deadLetters == 2)
        #expect(try workspace.lines("rows.jsonl").count == 2)
        let reasons = Set(try workspace.lines("dead.jsonl").compactMap { $0["reason"]?.stringValue })
        #expect(
            reasons == [
                "process-sink could not write the record: duplicate key",
                "process-sink answered with a line that is not a JSON object, not {\"ok\": true} or {\"ok\": false, \"error\": …}: \"OK\"",
            ])
    }

    @Test func aSinkThatFailsAtTheEndFailsTheRun() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let script = try workspace.write(
            "sink.sh",
            """
            #!/bin/sh
            while read -r line; do echo '{"ok": true}'; done
            echo 'commit failed: disk full' >&2
            exit 1
            """, executable: true)
        let glob = try workspace.pages(2)
        await #expect(throws: RunError.self) {
            _ = try await run(
                """
                {"sources": [{"use": "files", "glob": "\(glob)"}], "steps": [],
                 "sinks": [{"use": "process-sink", "command": ["\(script)"]}], "deadLetters": {"use": "jsonl", "path": "$W/dead.jsonl"}}
                """, in: workspace)
        }
    }

    // MARK: the example

    /// Runs the `etl` binary on a thread of its own: waiting for it on one of the two threads of
    /// Swift's pool (on two cores) would hold up the timing tests of other suites.
    func etl(_ arguments: [String], environment: [String: String]) async throws -> CommandLineTool.Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try CommandLineTool.run(arguments, environment: environment) })
            }.start()
        }
    }

    /// `Examples/python-plugin`: a Python source, step and sink on the demo pages, through the
    /// `etl` binary as the README runs it.
    @Test func theExamplePythonPluginsRunTheDemoPages() async throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        let result = try await etl(["run", "Examples/python-plugin/pipeline.json", "--quiet"], environment: ["OUT": workspace.folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        let records = try workspace.lines("python-plugin.jsonl")
        #expect(records.count == 5)
        for record in records {
            #expect(record["collection"] == "demo-pages")  // from the source program
            #expect(record["title"]?.stringValue?.isEmpty == false)  // from the article step
            let words = try #require(record["words"]?.integerValue)  // from the Python step
            #expect(words >= 50)
            #expect(record["readingMinutes"] == .integer((words + 199) / 200))
            #expect(record["script"] == "Arabic")
        }
        // The sink program's report, put in place when its input ended.
        let report = try String(contentsOfFile: workspace.path("python-plugin-report.tsv"), encoding: .utf8).split(separator: "\n")
        #expect(report.first == "url\ttitle\twords\treadingMinutes\tscript\tpublished")
        #expect(report.count == 6)
        #expect(!FileManager.default.fileExists(atPath: workspace.path("python-plugin-report.tsv.partial")))

        // Shorter bodies dropped by the step (null): skipped, not dead letters.
        let strict = try await etl(
            ["run", "Examples/python-plugin/pipeline.json", "--quiet"], environment: ["OUT": workspace.folder.path, "MIN_WORDS": "500"])
        #expect(strict.status == 0, "\(strict.standardError)")
        let kept = try workspace.lines("python-plugin.jsonl")
        #expect(kept.count > 0 && kept.count < 5)
        #expect(kept.allSatisfy { ($0["words"]?.integerValue ?? 0) >= 500 })
        #expect(try String(contentsOfFile: workspace.path("python-plugin-report.tsv"), encoding: .utf8).split(separator: "\n").count == kept.count + 1)
        #expect(try workspace.lines("python-plugin-dead-letters.jsonl").isEmpty)
    }

    // MARK: options

    func command(_ arguments: [String]) throws -> ProcessCommand {
        try ProcessCommand(options: PluginOptions(["command": .array(arguments.map { .string($0) })]))
    }

    @Test func aBadCommandIsAValidationErrorAtItsPath() throws {
        func diagnostics(_ command: String, extra: String = "") -> [String] {
            let text = """
                {"sources": [{"use": "urls", "urls": "https://example.com/"}],
                 "steps": [{"use": "process", "command": \(command)\(extra)}],
                 "sinks": [{"use": "jsonl", "path": "/tmp/process-tests-never-written.jsonl"}]}
                """
            do {
                _ = try PipelineLoader(registry: .builtins, environment: [:]).load(text: text, file: "p.json")
                return []
            } catch {
                return error.diagnostics.map(\.description)
            }
        }
        #expect(diagnostics("[]").first?.contains("$.steps[0].command: process: option \"command\" is empty; give the program and its arguments") == true)
        #expect(
            diagnostics(#""python3 plugin.py""#).first?.contains(
                #"is one string with spaces; give the program and each argument as a list, such as ["python3", "plugin.py"]"#) == true)
        #expect(diagnostics(#"["no-such-program-for-etl"]"#).first?.contains(#"names the program "no-such-program-for-etl", which is not on PATH"#) == true)
        #expect(diagnostics(#"["./missing/plugin.py"]"#).first?.contains("which does not exist") == true)
        #expect(diagnostics(#"[""]"#).first?.contains("names no program") == true)
        #expect(diagnostics("[3]").first?.contains("$.steps[0].command") == true)
        #expect(
            diagnostics(#"["python3"]"#, extra: #", "workingDirectory": "/no/such/folder""#).first?.contains(
                #"option "workingDirectory" is "/no/such/folder", which is not a directory"#) == true)
        #expect(diagnostics(#"["python3"]"#, extra: #", "timeout": -1"#).first?.contains("$.steps[0].timeout") == true)
        #expect(diagnostics(#"["python3", "plugin.py"]"#).isEmpty)
        #expect(diagnostics(#"["/bin/sh", "-c", "cat"]"#, extra: #", "concurrency": 4, "environment": {"LANG": "C.UTF-8"}"#).isEmpty)
    }

    @Test func aProgramIsLookedUpOnPathOrRelativeToTheWorkingDirectory() throws {
        let workspace = try Workspace()
        defer { workspace.remove() }
        try workspace.write("plugin.sh", "#!/bin/sh\ncat\n", executable: true)
        try workspace.write("not-executable.py", "print()\n")
        let relative = try ProcessCommand(options: PluginOptions(["command": ["./plugin.sh"], "workingDirectory": .string(workspace.folder.path)]))
        #expect(relative.executablePath == workspace.path("plugin.sh"))
        #expect(try command(["sh", "-c", "cat"]).executablePath.hasSuffix("/sh"))
        #expect(throws: OptionError.self) {
            try ProcessCommand(options: PluginOptions(["command": ["./not-executable.py"], "workingDirectory": .string(workspace.folder.path)]))
        }
    }

    // MARK: lines

    @Test func linesEndAtLineFeedsOnly() {
        var splitter = LineSplitter(limit: 8)
        func split(_ text: String) -> [OutputLine] {
            Array(text.utf8).withUnsafeBytes { splitter.append($0) }
        }
        // A line in two pieces; CRLF; U+2028 inside a line is not a break (JSON may hold it raw).
        #expect(split("{\"a\":").isEmpty)
        #expect(split("1}\r\n\u{2028}x\n").map(\.bytes) == [Array("{\"a\":1}".utf8), Array("\u{2028}x".utf8)])
        // A line over the limit keeps its first bytes and its length.
        let long = split("0123456789abc\nok\n")
        #expect(long.first == OutputLine(bytes: Array("01234567".utf8), length: 13))
        #expect(long.first?.isTruncated == true && long.last?.bytes == Array("ok".utf8))
        #expect(split("tail").isEmpty)
        #expect(splitter.finish()?.bytes == Array("tail".utf8))
        #expect(splitter.finish() == nil)
    }
}

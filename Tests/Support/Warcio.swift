import Foundation

/// warcio (PyPI), the reference reader and writer of WARC files in Python, for interoperability
/// tests: `warcio check`, `warcio index`, and scripts that write WARC files with it.
///
/// A `python3` that imports warcio is used as it is (`scripts/setup` installs it, as it installs
/// jsonschema); otherwise a venv is made once per machine in the temporary folder and warcio
/// installed into it with pip, as the benchmarks make theirs. When neither works the tests that
/// need it fail, saying why: they never pass without having run.
package enum Warcio {
    package struct Unavailable: Error, CustomStringConvertible {
        package var reason: String
        package var description: String { "warcio is not available: \(reason) (run scripts/setup, or pip install warcio)" }
    }

    /// The Python that has warcio, found or made once per test process.
    package static let python: Result<String, Unavailable> = {
        if let system = try? CommandLineTool.run(["python3", "-c", "import warcio"], program: URL(fileURLWithPath: "/usr/bin/env")),
            system.status == 0
        {
            return .success("python3")
        }
        let venv = FileManager.default.temporaryDirectory.appendingPathComponent("etl-tests-warcio-venv")
        let python = venv.appendingPathComponent("bin/python").path
        if let ready = try? CommandLineTool.run([python, "-c", "import warcio"], program: URL(fileURLWithPath: "/usr/bin/env")), ready.status == 0 {
            return .success(python)
        }
        do {
            let made = try CommandLineTool.run(["python3", "-m", "venv", venv.path], program: URL(fileURLWithPath: "/usr/bin/env"))
            guard made.status == 0 else { return .failure(Unavailable(reason: "python3 -m venv failed: \(made.standardError)")) }
            let installed = try CommandLineTool.run(
                [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "warcio"],
                program: URL(fileURLWithPath: "/usr/bin/env"))
            guard installed.status == 0 else { return .failure(Unavailable(reason: "pip install warcio failed: \(installed.standardError)")) }
            return .success(python)
        } catch {
            return .failure(Unavailable(reason: "\(error)"))
        }
    }()

    /// Runs Python with warcio: `arguments` after the interpreter (`-m warcio.cli check F`, `-c SCRIPT`).
    package static func run(_ arguments: [String]) throws -> CommandLineTool.Result {
        let python = try python.get()
        return try CommandLineTool.run([python] + arguments, program: URL(fileURLWithPath: "/usr/bin/env"))
    }
}

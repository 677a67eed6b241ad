import ETLKit
import ETLPlugins

/// The loader every input goes through: the built-in plugins, no environment variables (a
/// `${VAR}` in the input is then reported, not expanded).
private let loader = PipelineLoader(registry: .builtins, environment: [:])

/// libFuzzer's entry: loads the bytes as a pipeline file (JSON parsing, checking every member,
/// building the plugins), and renders the diagnostics when it is refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let pipeline = try loader.load(text: text, file: "fuzz.json")
        _ = pipeline.name
    } catch {
        _ = error.description
    }
    return 0
}

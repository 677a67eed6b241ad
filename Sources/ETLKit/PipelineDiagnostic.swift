/// One thing wrong with a pipeline file: what, where in the JSON, and where in the text.
public struct PipelineDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the value at fault (`$.sinks[0].path`).
    public var path: JSONPath
    /// Line and column of the value at fault, when the pipeline came from text.
    public var location: SourceLocation?
    /// What is wrong and what was expected.
    public var message: String

    public init(path: JSONPath, location: SourceLocation?, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(path): \(message)"
    }
}

/// A pipeline that cannot run, with every problem found in it.
public struct PipelineError: Error, Sendable, CustomStringConvertible {
    /// The pipeline file's path, when it came from a file.
    public var file: String?
    public var diagnostics: [PipelineDiagnostic]

    public init(file: String?, diagnostics: [PipelineDiagnostic]) {
        self.file = file
        self.diagnostics = diagnostics
    }

    /// One line per problem, in the `file:line:column: error: …` form editors understand.
    public var description: String {
        diagnostics.map { diagnostic in
            var prefix = file ?? "pipeline"
            if let location = diagnostic.location { prefix += ":\(location)" }
            return "\(prefix): error: \(diagnostic.path): \(diagnostic.message)"
        }.joined(separator: "\n")
    }
}

import ETLKit

/// Why an output file could not be opened or put in place (a ``CodedError``).
struct OutputFileError: CodedError {
    typealias Code = ErrorCode<OutputFileError>

    let code: Code
    let message: String
    /// The file (or, for ``ErrorCode/cannotCreateDirectory``, the folder).
    let path: String
    /// Why, without the path when the path is already said by whoever reports it.
    let reason: String

    static func cannotCreateDirectory(path: String, reason: String) -> OutputFileError {
        let reason = "cannot create the directory \(path): \(reason)"
        return OutputFileError(code: .cannotCreateDirectory, message: reason, path: path, reason: reason)
    }

    static func notAFile(path: String) -> OutputFileError {
        OutputFileError(code: .notAFile, message: "cannot write \(path): it is a folder, not a file", path: path, reason: "it is a folder, not a file")
    }

    static func symbolicLink(path: String) -> OutputFileError {
        let reason = "it is a symbolic link (outputs are not written through links)"
        return OutputFileError(code: .symbolicLink, message: "cannot write \(path): \(reason)", path: path, reason: reason)
    }

    static func cannotOpen(path: String, reason: String) -> OutputFileError {
        OutputFileError(code: .cannotOpen, message: "cannot write \(path): \(reason)", path: path, reason: reason)
    }

    static func cannotReplace(path: String, reason: String) -> OutputFileError {
        OutputFileError(code: .cannotReplace, message: "cannot put the new \(path) in place: \(reason)", path: path, reason: reason)
    }
}

extension ErrorCode where Domain == OutputFileError {
    /// The folder for the file could not be created.
    static var cannotCreateDirectory: Self { "cannotCreateDirectory" }
    /// The path names a folder (or ends with `/`), not a file.
    static var notAFile: Self { "notAFile" }
    /// The path is a symbolic link; outputs are not written through links.
    static var symbolicLink: Self { "symbolicLink" }
    /// The file (or its hidden stand-in) could not be opened.
    static var cannotOpen: Self { "cannotOpen" }
    /// The written file could not be renamed over the target.
    static var cannotReplace: Self { "cannotReplace" }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a sink writes, and how what it wrote takes the place of what was there: the one place the
/// sinks replace files, so that "a failed run leaves the last good output in place" holds for all.
///
/// - ``replacing(_:)`` writes a new file beside the target, in the same folder (so that `rename(2)`
///   stays on one file system and is atomic) under a hidden name made of the target's name, the
///   process id and a random part: `.articles.jsonl.etl-4242-9f3a1c07.tmp`. ``commit()`` renames it
///   over the target; ``discard()`` removes it. Until the commit the target is exactly as the last
///   run left it, however this run ends; a run killed outright leaves only the hidden file behind,
///   which the next run removes (``removeAbandonedFiles(in:)``).
///   The new file gets the permissions of the one it replaces (less the umask). A target that is a
///   symbolic link is refused: the rename would replace the link rather than write through it, and
///   a planted link is better reported than silently replaced. A folder is refused too. A device or
///   a pipe (`/dev/null`, a FIFO) is written in place: it holds nothing to keep and must not be
///   replaced.
/// - ``appending(to:)`` writes at the end of the target itself (created if missing).
/// - ``standardOutput`` writes to descriptor 1 and never closes it.
///
/// Nothing is synced to disk (no `fsync`), as elsewhere in the sinks: outputs survive the process
/// being killed, not a power cut.
struct OutputFile: Sendable {
    /// The path the output is for, as the pipeline named it (`-` for standard output).
    let path: String
    /// The descriptor to write to.
    let descriptor: Int32
    /// The hidden file that becomes ``path`` at ``commit()``; nil when writing to the target itself.
    let temporaryPath: String?

    /// The path that means standard output.
    static let standardOutputPath = "-"

    /// Standard output: never closed, never renamed.
    static let standardOutput = OutputFile(path: standardOutputPath, descriptor: STDOUT_FILENO, temporaryPath: nil)

    /// Whether this is standard output (which is neither cut back nor closed).
    var isStandardOutput: Bool { temporaryPath == nil && descriptor == STDOUT_FILENO && path == Self.standardOutputPath }

    /// A new hidden file beside `path` that replaces it at ``commit()``. The folder must exist
    /// (see ``createParentDirectory(of:)``).
    static func replacing(_ path: String) throws(OutputFileError) -> OutputFile {
        let name = fileName(of: path)
        guard !name.isEmpty, name != ".", name != ".." else { throw .notAFile(path: path) }
        var status = stat()
        var permissions: mode_t = 0o644
        if lstat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG: permissions = status.st_mode & 0o7777
            case S_IFLNK: throw .symbolicLink(path: path)
            case S_IFDIR: throw .notAFile(path: path)
            default: return try writingInPlace(path)
            }
        }
        let temporaryName = ".\(name).etl-\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16)).tmp"
        let temporary = parentDirectory(of: path).map { $0.hasSuffix("/") ? $0 + temporaryName : $0 + "/" + temporaryName } ?? temporaryName
        // O_EXCL and O_NOFOLLOW: never open something another process (or a planted link) put there.
        guard let descriptor = POSIXFile.open(temporary, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode: permissions) else {
            throw .cannotOpen(path: path, reason: POSIXFile.lastError)
        }
        return OutputFile(path: path, descriptor: descriptor, temporaryPath: temporary)
    }

    /// The end of the file at `path` (created if missing), opened for reading too (a sink may look
    /// at what is there). Appended output is never renamed.
    static func appending(to path: String) throws(OutputFileError) -> OutputFile {
        guard let descriptor = POSIXFile.open(path, flags: O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC) else {
            throw .cannotOpen(path: path, reason: POSIXFile.lastError)
        }
        return OutputFile(path: path, descriptor: descriptor, temporaryPath: nil)
    }

    /// A device or a pipe, opened as it is.
    private static func writingInPlace(_ path: String) throws(OutputFileError) -> OutputFile {
        guard let descriptor = POSIXFile.open(path, flags: O_WRONLY | O_CLOEXEC) else {
            throw .cannotOpen(path: path, reason: POSIXFile.lastError)
        }
        return OutputFile(path: path, descriptor: descriptor, temporaryPath: nil)
    }

    /// Closes the descriptor (not standard output); returns the error text, or nil.
    func close() -> String? {
        isStandardOutput ? nil : POSIXFile.close(descriptor)
    }

    /// Puts the written file in place of the target. Call after ``close()``; a failed rename removes
    /// the hidden file.
    func commit() throws(OutputFileError) {
        guard let temporaryPath else { return }
        if rename(temporaryPath, path) != 0 {
            let reason = POSIXFile.lastError
            discard()
            throw .cannotReplace(path: path, reason: reason)
        }
    }

    /// Removes the hidden file, leaving the target as it was. Call after ``close()``.
    func discard() {
        guard let temporaryPath else { return }
        unlink(temporaryPath)
    }

    // MARK: Leftovers

    /// Removes the hidden files that runs killed outright left in `directory` (the current folder
    /// when nil): those whose process id names no running process. A file of a run still going on,
    /// or of another user's process, stays.
    static func removeAbandonedFiles(in directory: String?) {
        let folder = directory ?? "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard let owner = temporaryFileOwner(name), kill(owner, 0) != 0, errno == ESRCH else { continue }
            unlink(folder.hasSuffix("/") ? folder + name : folder + "/" + name)
        }
    }

    /// The process id in a hidden name made by ``replacing(_:)``, or nil for any other name.
    static func temporaryFileOwner(_ name: String) -> pid_t? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp"), let marker = name.range(of: ".etl-", options: .backwards) else { return nil }
        let parts = name[marker.upperBound..<name.index(name.endIndex, offsetBy: -4)].split(separator: "-")
        guard parts.count == 2, parts[1].allSatisfy(\.isHexDigit), let owner = pid_t(parts[0]), owner > 0 else { return nil }
        return owner
    }

    // MARK: Paths

    /// Creates the folder `path` is in, with its parents, unless `path` has no folder part.
    static func createParentDirectory(of path: String) throws(OutputFileError) {
        guard let parent = parentDirectory(of: path) else { return }
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: parent, reason: (error as? CocoaError)?.localizedDescription ?? String(describing: error))
        }
    }

    /// The folder part of a path (`out` for `out/a.jsonl`, `/` for `/a`), or nil for a bare name.
    /// Worked out on the text: `NSString.deletingLastPathComponent` traps on a path of `-`.
    static func parentDirectory(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let parent = path[..<slash]
        return parent.isEmpty ? "/" : String(parent)
    }

    /// The last component of a path (empty when it ends with `/`).
    static func fileName(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}

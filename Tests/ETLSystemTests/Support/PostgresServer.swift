import ETLPostgres
import Foundation
import Synchronization
import Testing

/// A real PostgreSQL server for the tests, made from nothing: `initdb` into a temporary folder,
/// `pg_ctl start` on a free port of 127.0.0.1 (its unix socket in the folder too), a password
/// user `etl` (scram-sha-256, so the URLs carry a password as users' do), TLS with a self-signed
/// certificate (`?sslmode=require` works; `verify-full` has no root to verify), durability off
/// (`fsync`, `synchronous_commit`, `full_page_writes`: a test server loses nothing that matters).
///
/// `initdb` refuses to run as root, and tests run as root here: then every server program runs
/// as the `postgres` user (Debian's package makes it) through `runuser`, and the folder is that
/// user's. The binaries are Debian's (`postgresql`: /usr/lib/postgresql/VERSION/bin).
///
/// A suite gets one with the `.postgresServer` trait: started before its first test, stopped and
/// deleted after its last, whether the tests passed or not; ``current`` is it inside the suite.
final class PostgresServer: Sendable {
    /// The server of the running suite (``PostgresServerTrait``).
    @TaskLocal static var current: PostgresServer?

    let folder: URL
    let port: Int
    let binaries: URL
    static let user = "etl"
    static let password = "etl-test-secret"
    private let databases = Mutex(0)

    /// The folder of the newest installed PostgreSQL's programs, or nil when there is none.
    static let binaryFolder: URL? = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let installed = versions.compactMap(Int.init).sorted().reversed().map { root.appendingPathComponent("\($0)/bin") }
        return installed.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }()

    /// `psql`, for the tests that show other tools read what the sink wrote.
    var psql: URL { binaries.appendingPathComponent("psql") }

    /// The URL of `database` on this server, with the password.
    func url(database: String = "postgres") -> String {
        "postgres://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(database)"
    }

    /// Makes an empty database of its own for a test and returns its URL.
    func createDatabase() throws -> String {
        let number = databases.withLock { count -> Int in
            count += 1
            return count
        }
        let name = "test_\(number)"
        let connection = try PostgresConnection(url: url())
        try connection.execute("CREATE DATABASE \(name)")
        return url(database: name)
    }

    private init(folder: URL, port: Int, binaries: URL) {
        self.folder = folder
        self.port = port
        self.binaries = binaries
    }

    /// Makes the cluster and starts the server; throws with the programs' output when it cannot.
    static func start() throws -> PostgresServer {
        guard let binaries = binaryFolder else {
            throw ServerError("no PostgreSQL server under /usr/lib/postgresql/*/bin: install Debian's postgresql (scripts/setup does)")
        }
        // Under /tmp, whatever TMPDIR says: the server's user must be able to enter it, and the
        // unix socket's path must stay short (at most 107 bytes).
        let temporary = FileManager.default.fileExists(atPath: "/tmp") ? URL(fileURLWithPath: "/tmp") : FileManager.default.temporaryDirectory
        let folder = temporary.appendingPathComponent("etl-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            let passwordFile = folder.appendingPathComponent("password")
            try Data(password.utf8).write(to: passwordFile)
            // A self-signed certificate, so that TLS (`?sslmode=require`) is tested too. openssl
            // is there wherever Debian's postgresql is (through ssl-cert).
            try run(
                URL(fileURLWithPath: "/usr/bin/openssl"),
                [
                    "req", "-new", "-x509", "-days", "2", "-nodes", "-newkey", "rsa:2048", "-subj", "/CN=127.0.0.1",
                    "-keyout", folder.appendingPathComponent("server.key").path, "-out", folder.appendingPathComponent("server.crt").path,
                ], in: folder, asServer: false)
            chmod(folder.appendingPathComponent("server.key").path, 0o600)
            try handOver(folder)
            let data = folder.appendingPathComponent("data").path
            try run(
                binaries.appendingPathComponent("initdb"),
                [
                    "-D", data, "-U", user, "--pwfile=\(passwordFile.path)", "--auth=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-sync",
                ], in: folder)
            // A port found free may be taken before the server binds it: a few tries.
            var lastError: (any Error)?
            for _ in 0..<3 {
                let port = try freePort()
                let settings = [
                    "-p \(port)", "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=\(folder.path)",
                    "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
                    "-c shared_buffers=32MB", "-c max_connections=40",
                    "-c ssl=on", "-c ssl_cert_file=\(folder.path)/server.crt", "-c ssl_key_file=\(folder.path)/server.key",
                ].joined(separator: " ")
                do {
                    try run(
                        binaries.appendingPathComponent("pg_ctl"),
                        [
                            "-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o", settings, "start",
                        ], in: folder)
                    return PostgresServer(folder: folder, port: port, binaries: binaries)
                } catch {
                    lastError = error
                }
            }
            throw lastError ?? ServerError("the server did not start")
        } catch {
            let log = (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: folder)
            throw ServerError("\(error)\(log.isEmpty ? "" : "\nserver log:\n\(log)")")
        }
    }

    /// Stops the server at once (its data is thrown away) and deletes the folder.
    func stop() {
        let data = folder.appendingPathComponent("data").path
        do {
            try Self.run(binaries.appendingPathComponent("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], in: folder)
        } catch {
            // pg_ctl could not stop it: the postmaster's pid is the first line of postmaster.pid.
            if let text = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8),
                let line = text.split(separator: "\n").first, let pid = Int32(line)
            {
                kill(pid, SIGKILL)
            }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Running the programs

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The `postgres` user's uid and gid when running as root (the server programs then run as
    /// that user), nil otherwise.
    private static let serverUser: (uid: uid_t, gid: gid_t)? = {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("postgres") else { return nil }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }()

    /// Gives `folder` and what it holds to the server's user (when root).
    private static func handOver(_ folder: URL) throws {
        guard geteuid() == 0 else { return }
        guard let serverUser else {
            throw ServerError("running as root, and there is no \"postgres\" user to run the server as (Debian's postgresql package makes it)")
        }
        for path in [folder.path] + ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).map({ folder.path + "/" + $0 }) {
            guard chown(path, serverUser.uid, serverUser.gid) == 0 else { throw ServerError("cannot give \(path) to the postgres user: errno \(errno)") }
        }
        chmod(folder.path, 0o700)
    }

    /// Runs a server program (as the `postgres` user when root) and waits; throws with its output
    /// when it fails. Spawned and waited for by hand, not with Foundation's `Process`: that one
    /// learns of the end of a child from a socket the child inherits, and the server that
    /// `pg_ctl start` leaves running would inherit it too (the wait would last as long as the
    /// server).
    private static func run(_ program: URL, _ arguments: [String], in folder: URL, asServer: Bool = true) throws {
        let command = geteuid() == 0 && asServer ? ["/usr/sbin/runuser", "-u", "postgres", "--", program.path] + arguments : [program.path] + arguments
        // In the folder (the server's user may not enter the current one).
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", folder.path] + command
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("etl-pg-output-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw ServerError("cannot start \(argv[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ServerError("waitpid failed: errno \(errno)") }
        }
        // WIFEXITED and WEXITSTATUS are macros: exited normally when the low 7 bits are 0.
        let exitedNormally = status & 0x7F == 0
        let exitStatus = (status >> 8) & 0xFF
        guard exitedNormally, exitStatus == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            let ending = exitedNormally ? "exited with status \(exitStatus)" : "was killed by signal \(status & 0x7F)"
            throw ServerError("\(program.lastPathComponent) \(arguments.joined(separator: " ")) \(ending): \(text)")
        }
    }

    /// A TCP port of 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ServerError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw ServerError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Starts a ``PostgresServer`` for a suite, and stops and deletes it after the suite's last test,
/// passed or failed: `@Suite(.serialized, .postgresServer)`.
struct PostgresServerTrait: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        try await PostgresServer.$current.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == PostgresServerTrait {
    /// A PostgreSQL server for the suite (``PostgresServer/current``).
    static var postgresServer: Self { Self() }
}

// swift-tools-version:6.1
import PackageDescription

/// jemalloc (apt: libjemalloc-dev) as the `etl` program's allocator, for libxml2's trees above all:
/// a whole run over saved pages is about 10% faster than with glibc's malloc (BENCHMARKS.md,
/// "Extraction on two sets at once"). Linked into the executables only; the libraries leave the
/// choice to their program.
let jemalloc: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "etl",
    platforms: [.macOS(.v15)],  // Synchronization.Mutex
    products: [
        .executable(name: "etl", targets: ["etl"]),
        .library(name: "ETLKit", targets: ["ETLKit"]),
        .library(name: "ETLPlugins", targets: ["ETLPlugins"]),
        // The layers under the plugins, for code outside this package that needs their public
        // parts without the plugins (the fuzz targets in Fuzz/: text decoding, robots.txt rules).
        .library(name: "ETLText", targets: ["ETLText"]),
        .library(name: "ETLHTTP", targets: ["ETLHTTP"]),
        .library(name: "ETLHTML", targets: ["ETLHTML"]),
        // The whole command line as a library: a program with plugins of its own calls
        // `ETLCommand.main(registry:)` (see Examples/custom-plugin).
        .library(name: "ETLCommandLine", targets: ["ETLCommandLine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The `process`, `process-source` and `process-sink` plugins: child processes with streamed
        // standard input, output and error. Without its Foundation trait (Data overloads, unused here).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        // FilePath, for swift-subprocess's executable and working-directory paths (it depends on it too).
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        // Test-only: a real HTTP server on 127.0.0.1 for the fetcher and end-to-end tests.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // C libraries, found through pkg-config (see README: libxml2-dev, libcurl4-openssl-dev).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        // OpenSSL's libcrypto, for its message digests (SHA-256, SHA-1): see MessageDigest.swift.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        // libpq, PostgreSQL's C client: the `postgres` sink (see README, "Dependencies", and
        // BENCHMARKS.md, "PostgreSQL client build", for why libpq rather than postgres-nio).
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // The core: records, plugin protocols, registry, pipeline model, runner. Of the C libraries
        // only libcrypto's digests (the content hash of every page).
        .target(
            name: "ETLKit",
            dependencies: [
                "CCrypto",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The layers under the plugins (README, "Layout"): each imports only the ones above it here.
        // Text: white space, folding, NFC, Persian text and ZWNJs, charsets, dates (Jalali, Hijri,
        // written dates in many languages), language identification. No C.
        .target(
            name: "ETLText",
            dependencies: ["ETLKit"],
            path: "Sources/Plugins/Text",
            // The Persian lexicon and its licence; found by ResourceFiles (not Bundle.module, which
            // stops the program when the bundle is missing).
            resources: [.copy("Resources")]
        ),
        // HTTP: the libcurl client, destination policy, host schedule, robots.txt, retries.
        .target(
            name: "ETLHTTP",
            dependencies: ["ETLKit", "ETLText", "CCurl", "CZlib"],
            path: "Sources/Plugins/HTTP"
        ),
        // HTML: libxml2 parsing (HTML and XML), page analysis, content selection, CSS selectors,
        // visible facts and dates, JSON-LD, site profiles (their files are its resources).
        .target(
            name: "ETLHTML",
            dependencies: ["ETLKit", "ETLText", "CLibXML2"],
            path: "Sources/Plugins/HTML",
            resources: [.copy("Resources")]
        ),
        // PostgreSQL: a small synchronous client over libpq (URLs, parameterised statements,
        // transactions, typed errors with the SQLSTATE) and its async wrapper.
        .target(
            name: "ETLPostgres",
            dependencies: ["ETLKit", "CPostgres"],
            path: "Sources/Plugins/Postgres"
        ),
        // The built-in plugins, grouped by kind, registered in one place (BuiltinPlugins.swift): thin
        // wrappers over the layers, plus the sinks' and state's SQLite and files.
        .target(
            name: "ETLPlugins",
            dependencies: [
                "ETLKit", "ETLText", "ETLHTTP", "ETLHTML", "ETLPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Sources/Plugins",
            exclude: ["Text", "HTTP", "HTML", "Postgres"]
        ),
        // The command line as a library (every command, taking a plugin registry) ...
        .target(
            name: "ETLCommandLine",
            dependencies: [
                "ETLKit", "ETLText", "ETLHTML", "ETLPlugins",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/etl/CommandLine"
        ),
        // ... and the `etl` executable: that library with the built-in plugins.
        .executableTarget(
            name: "etl",
            dependencies: ["ETLCommandLine", "ETLPlugins"],
            path: "Sources/etl/Main",
            linkerSettings: jemalloc
        ),
        // `etl-bench-parse`: in-process timing of a bare libxml2 parse and of the cleaner (Benchmarks/extraction).
        .executableTarget(
            name: "etl-bench-parse",
            dependencies: ["ETLKit", "ETLPlugins", "ETLHTML", "CLibXML2"],
            path: "Benchmarks/ParseBenchmark",
            linkerSettings: jemalloc
        ),
        // `etl-bench-warc`: records per second of etl's WARC reader in process, raw and decoded (Benchmarks/warc).
        .executableTarget(
            name: "etl-bench-warc",
            dependencies: ["ETLKit", "ETLHTTP", "ETLPlugins", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/WARCBenchmark"
        ),
        // `etl-bench-zwnj`: strips and restores the ZWNJs of the Persian reference articles (Benchmarks/zwnj).
        .executableTarget(
            name: "etl-bench-zwnj",
            dependencies: ["ETLPlugins", "ETLText"],
            path: "Benchmarks/zwnj/Sources"
        ),
        // What both test targets use: temporary folders, running the built `etl`, the demo's
        // expectations, a captured log, a virtual clock. Tests/Fixtures holds their files.
        .target(
            name: "ETLTestSupport",
            dependencies: ["ETLKit", "ETLHTTP", "ETLPlugins", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Support"
        ),
        // Tests inside the process: no socket, no child process, no binary; run in parallel.
        .testTarget(
            name: "ETLTests",
            dependencies: [
                "ETLKit", "ETLText", "ETLHTTP", "ETLHTML", "ETLPlugins", "ETLPostgres", "ETLTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Tests of the parts that meet the system: a real HTTP server on 127.0.0.1 (swift-nio), the
        // built `etl` binary (kill -9 included), programs as plugins, warcio. `scripts/test` runs
        // them one at a time (`--no-parallel`), so that no timing races another test for the cores.
        .testTarget(
            name: "ETLSystemTests",
            dependencies: [
                "ETLKit", "ETLText", "ETLHTTP", "ETLHTML", "ETLPlugins", "ETLPostgres", "ETLTestSupport", "etl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

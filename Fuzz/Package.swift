// swift-tools-version:6.1
// The libFuzzer targets of etl (issue #10), a package apart so that the root package's
// `swift build` and `swift test` never see them. Build and run them with `scripts/fuzz`; by hand:
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c debug \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
// Each target is one file defining `LLVMFuzzerTestOneInput`; FuzzMain hands `main` to libFuzzer.
import PackageDescription

/// The fuzz targets: one executable each, its one file Sources/<name>/<name>.swift.
let fuzzTargets = ["FuzzPipeline", "FuzzRobots", "FuzzSitemapFeed", "FuzzTextDecoding", "FuzzHTML"]

let package = Package(
    name: "etl-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        // The root package, by path; its identity is its folder's name, so it is named here.
        .package(name: "etl", path: "..")
    ],
    targets: [
        // The `<Target>_main` symbols SwiftPM links as `main`, handing over to libFuzzer (see FuzzMain.c).
        .target(name: "FuzzMain")
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzMain",
                    .product(name: "ETLKit", package: "etl"),
                    .product(name: "ETLText", package: "etl"),
                    .product(name: "ETLHTTP", package: "etl"),
                    .product(name: "ETLPlugins", package: "etl"),
                ]
            )
        },
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

// A program of your own with etl's whole command line and a plugin of your own: it depends on etl
// (here by path; in your project by URL) and calls `ETLCommand.main(registry:)`.
let package = Package(
    name: "greetings-etl",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "etl", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "greetings-etl",
            dependencies: [
                .product(name: "ETLKit", package: "etl"),
                .product(name: "ETLPlugins", package: "etl"),
                .product(name: "ETLCommandLine", package: "etl"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)

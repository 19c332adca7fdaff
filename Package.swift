// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "driftwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "driftwatch", targets: ["driftwatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        // System libraries: the SQLite and zlib that Debian ships.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The request record, its decoding, errors; no I/O.
        .target(name: "DriftwatchCore"),
        // Pure statistics shared by analysis and drift detection.
        .target(name: "DriftwatchStatistics"),
        // The one store type over SQLite.
        .target(
            name: "DriftwatchStore",
            dependencies: [
                "DriftwatchCore", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // File discovery, tailing, rotation, gzip, line framing.
        .target(
            name: "DriftwatchIngest",
            dependencies: [
                "DriftwatchCore", "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Rollups, regression detection, attribution and recommendations.
        .target(name: "DriftwatchAnalysis", dependencies: ["DriftwatchCore", "DriftwatchStatistics"]),
        // Synthetic workload generator with injectable incidents.
        .target(name: "DriftwatchDemo", dependencies: ["DriftwatchCore"]),
        // Config loading and service wiring.
        .target(
            name: "DriftwatchRuntime",
            dependencies: [
                "DriftwatchCore", "DriftwatchStore", "DriftwatchIngest", "DriftwatchDemo", "DriftwatchAnalysis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Helpers for tests: temporary directories, process runners, manual clock.
        .target(name: "DriftwatchTesting", dependencies: ["DriftwatchCore"]),
        .executableTarget(
            name: "driftwatch",
            dependencies: [
                "DriftwatchRuntime", "DriftwatchStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "DriftwatchCoreTests", dependencies: ["DriftwatchCore", "DriftwatchTesting"]),
        .testTarget(name: "DriftwatchStatisticsTests", dependencies: ["DriftwatchStatistics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DriftwatchStoreTests", dependencies: ["DriftwatchStore", "DriftwatchTesting"]),
        .testTarget(name: "DriftwatchIngestTests", dependencies: ["DriftwatchIngest", "DriftwatchTesting"]),
        .testTarget(
            name: "DriftwatchAnalysisTests",
            dependencies: ["DriftwatchAnalysis", "DriftwatchDemo", "DriftwatchStore", "DriftwatchTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DriftwatchDemoTests", dependencies: ["DriftwatchDemo"]),
        .testTarget(
            name: "DriftwatchRuntimeTests",
            dependencies: ["DriftwatchRuntime", "DriftwatchStore", "DriftwatchTesting", "DriftwatchAnalysis", "DriftwatchDemo"]
        ),
        // Runs the real `driftwatch` process (built by `swift build`).
        .testTarget(name: "EndToEndTests", dependencies: ["DriftwatchCore", "DriftwatchStore", "DriftwatchTesting"]),
    ]
)

// Language settings in one place, as swift-log does.
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

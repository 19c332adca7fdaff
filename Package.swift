// swift-tools-version:6.2
import PackageDescription

// The commit `driftwatch --version` and `driftwatch_build_info` report: `DRIFTWATCH_COMMIT=$(git rev-parse --short HEAD)
// swift build …` (Scripts/build.sh does this). Only hex digits pass, so the value is always a safe C string.
let buildCommit: String = {
    let value = Context.environment["DRIFTWATCH_COMMIT"] ?? ""
    return !value.isEmpty && value.allSatisfy(\.isHexDigit) ? value.lowercased() : "unknown"
}()

let package = Package(
    name: "driftwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "driftwatch", targets: ["driftwatch"]),
        .executable(name: "analysis-suite", targets: ["analysis-suite"]),
        .executable(name: "drift-quiet", targets: ["drift-quiet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Only DriftwatchFleet uses it (3-5 min more per clean build): the fleet store on PostgreSQL.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // System libraries: the SQLite and zlib that Debian ships.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // The request record, its decoding, errors; no I/O.
        .target(name: "DriftwatchCore"),
        // Pure statistics shared by analysis and drift detection.
        .target(name: "DriftwatchStatistics"),
        // An SQLite VFS shim that starts write-back early (C: SQLite's VFS is a C interface).
        .target(name: "CSQLiteWriteback", dependencies: ["CSQLite"]),
        // The build's git commit, passed in as a C define (Swift has no valued defines).
        .target(name: "CBuildInfo", cSettings: [.define("DRIFTWATCH_COMMIT", to: "\"\(buildCommit)\"")]),
        // The one store type over SQLite.
        .target(
            name: "DriftwatchStore",
            dependencies: [
                "DriftwatchCore", "CSQLite", "CSQLiteWriteback",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // File discovery, tailing, rotation, gzip, line framing.
        .target(
            name: "DriftwatchIngest",
            dependencies: [
                "DriftwatchCore", "DriftwatchGzip",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The one gzip inflater (streaming, multi-member): the tailer's .gz logs and OTLP request bodies.
        .target(name: "DriftwatchGzip", dependencies: ["CZlib"]),
        // Rollups, regression detection, attribution and recommendations.
        .target(name: "DriftwatchAnalysis", dependencies: ["DriftwatchCore", "DriftwatchStatistics"]),
        // Drift detection: feature histograms per time bucket, drift statistics, streaming detectors, recommendations.
        .target(name: "DriftwatchDrift", dependencies: ["DriftwatchCore", "DriftwatchStatistics"]),
        // Static HTML + inline SVG dashboards from rollups, incidents and the drift report; definitions in YAML.
        .target(
            name: "DriftwatchDashboards",
            dependencies: [
                "DriftwatchCore", "DriftwatchStatistics", "DriftwatchAnalysis", "DriftwatchDrift",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Synthetic workload generator with injectable incidents.
        .target(name: "DriftwatchDemo", dependencies: ["DriftwatchCore"]),
        // Config loading and service wiring.
        .target(
            name: "DriftwatchRuntime",
            dependencies: [
                "DriftwatchCore", "DriftwatchStore", "DriftwatchIngest", "DriftwatchDemo", "DriftwatchAnalysis",
                "DriftwatchServer", "DriftwatchMetrics", "DriftwatchOTLP", "DriftwatchDrift", "DriftwatchDashboards",
                "DriftwatchAlerts", "DriftwatchFleet", "CBuildInfo",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Alert rules, grouping/silences/notification log, the outbox, SMTP and webhook senders.
        // The only target with NIOSSL; HTTP/1.1 comes from swift-nio itself (no async-http-client).
        .target(
            name: "DriftwatchAlerts",
            dependencies: [
                "DriftwatchCore", "DriftwatchStore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "DriftwatchAlertsTests",
            dependencies: [
                "DriftwatchAlerts", "DriftwatchStore", "DriftwatchCore", "DriftwatchTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Scripts"]
        ),
        // The fleet store on PostgreSQL: sidecars ship their mergeable state, the central view reads it merged.
        // The only target with postgres-nio.
        .target(
            name: "DriftwatchFleet",
            dependencies: [
                "DriftwatchCore", "DriftwatchStore", "DriftwatchAnalysis",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DriftwatchFleetTests",
            dependencies: [
                "DriftwatchFleet", "DriftwatchRuntime", "DriftwatchStore", "DriftwatchAnalysis", "DriftwatchDemo",
                "DriftwatchCore", "DriftwatchTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Helpers for tests: temporary directories, process runners, manual clock.
        .target(name: "DriftwatchTesting", dependencies: ["DriftwatchCore", "CZlib"]),
        .executableTarget(
            name: "driftwatch",
            dependencies: [
                "DriftwatchRuntime", "DriftwatchStore", "DriftwatchDrift", "DriftwatchAlerts", "DriftwatchCore", "DriftwatchFleet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Issue #12's scenario suite: the demo generator straight into the analyzer, cases × seeds, a results table.
        .executableTarget(
            name: "analysis-suite",
            dependencies: ["DriftwatchAnalysis", "DriftwatchDemo", "DriftwatchCore"],
            path: "Benchmarks/AnalysisSuite"
        ),
        // Issue #13 point 7: drift recommendations and detector alarms per 30 quiet days.
        .executableTarget(
            name: "drift-quiet",
            dependencies: ["DriftwatchDrift", "DriftwatchDemo", "DriftwatchCore"],
            path: "Benchmarks/DriftQuiet"
        ),

        .testTarget(name: "DriftwatchCoreTests", dependencies: ["DriftwatchCore", "DriftwatchTesting"], exclude: ["Fixtures"]),
        .testTarget(name: "DriftwatchStatisticsTests", dependencies: ["DriftwatchStatistics"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DriftwatchStoreTests", dependencies: ["DriftwatchStore", "DriftwatchTesting"]),
        .testTarget(
            name: "DriftwatchIngestTests",
            dependencies: [
                "DriftwatchIngest", "DriftwatchTesting",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "DriftwatchAnalysisTests",
            dependencies: ["DriftwatchAnalysis", "DriftwatchDemo", "DriftwatchStore", "DriftwatchStatistics", "DriftwatchTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "DriftwatchDemoTests", dependencies: ["DriftwatchDemo"]),
        .testTarget(
            name: "DriftwatchDashboardsTests",
            dependencies: [
                "DriftwatchDashboards", "DriftwatchAnalysis", "DriftwatchDrift", "DriftwatchDemo", "DriftwatchCore",
                "DriftwatchStatistics", "DriftwatchRuntime", "DriftwatchStore", "DriftwatchTesting",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "DriftwatchDriftTests",
            dependencies: ["DriftwatchDrift", "DriftwatchStatistics", "DriftwatchDemo", "DriftwatchStore", "DriftwatchTesting", "DriftwatchCore"]
        ),
        .testTarget(name: "DriftwatchRuntimeTests", dependencies: [
            "DriftwatchRuntime", "DriftwatchStore", "DriftwatchIngest", "DriftwatchTesting", "DriftwatchAnalysis", "DriftwatchDemo", "DriftwatchMetrics", "DriftwatchAlerts",
            .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
        ]),
        // Runs the real `driftwatch` process (built by `swift build`).
        .testTarget(name: "EndToEndTests", dependencies: ["DriftwatchCore", "DriftwatchMetrics", "DriftwatchStore", "DriftwatchTesting"]),

        // Sidecar metrics and their Prometheus text rendering; no dependencies so every layer can update them.
        .target(name: "DriftwatchMetrics"),
        // OTLP trace decoding (JSON, protobuf) and the span-to-record mapping; pure.
        .target(name: "DriftwatchOTLP", dependencies: ["DriftwatchCore"]),
        // The HTTP side: OTLP/HTTP receiver, /metrics, /healthz. The only target with hummingbird.
        .target(
            name: "DriftwatchServer",
            dependencies: [
                "DriftwatchCore", "DriftwatchOTLP", "DriftwatchMetrics", "DriftwatchGzip",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "DriftwatchMetricsTests", dependencies: ["DriftwatchMetrics"]),
        .testTarget(name: "DriftwatchGzipTests", dependencies: ["DriftwatchGzip", "DriftwatchTesting"]),
        .testTarget(name: "DriftwatchOTLPTests", dependencies: ["DriftwatchOTLP", "DriftwatchCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "DriftwatchServerTests",
            dependencies: [
                "DriftwatchServer", "DriftwatchOTLP", "DriftwatchMetrics", "DriftwatchStore", "DriftwatchCore", "DriftwatchTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Scripts"]
        ),
    ]
)

// Language settings in one place, as swift-log does.
for target in package.targets where [.executable, .test, .regular].contains(target.type) && !["CSQLiteWriteback", "CBuildInfo"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ofasearch",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "OFASearch", targets: ["OFASearch"]),
        .executable(name: "ofasearch", targets: ["ofasearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CXGBoost", pkgConfig: "xgboost",
                       providers: [.apt(["libxgboost-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJSONC", pkgConfig: "json-c",
                       providers: [.apt(["libjson-c-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // The layers, each depending only on those above it in this list (docs/architecture.md).
        .target(name: "OFACore", dependencies: ["CJSONC"]),
        .target(name: "OFAXGBoost", dependencies: ["OFACore", "CXGBoost"]),
        .target(name: "OFAPredictors", dependencies: ["OFACore", "OFAXGBoost", "COpenBLAS", "CJSONC"]),
        .target(name: "OFAEngine", dependencies: ["OFACore", "OFAPredictors", "COpenBLAS"]),
        .target(name: "OFAEvaluators", dependencies: [
            "OFACore", "OFAEngine", "CSQLite", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "OFAStrategies", dependencies: ["OFACore"]),
        .target(name: "OFAExperiments", dependencies: [
            "OFACore", "OFAPredictors", "OFAEngine", "OFAEvaluators", "OFAStrategies",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The umbrella: `import OFASearch` brings every layer's public API.
        .target(name: "OFASearch", dependencies: [
            "OFACore", "OFAXGBoost", "OFAPredictors", "OFAEngine", "OFAEvaluators", "OFAStrategies", "OFAExperiments",
        ]),
        .executableTarget(
            name: "ofasearch",
            dependencies: [
                "OFASearch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "ofasearch-bench",
            dependencies: ["OFASearch", "COpenBLAS"]
        ),
        // One set of fakes and helpers (fake predictors and backends, scratch folders, the test
        // data, the built executable) for the test targets only; no product exposes it.
        .target(
            name: "OFATestSupport",
            dependencies: ["OFACore", "OFAPredictors", "OFAStrategies", "OFAExperiments"],
            path: "Tests/OFATestSupport"
        ),
        .testTarget(
            name: "OFASearchTests",
            dependencies: [
                "OFASearch", "OFACore", "OFAXGBoost", "OFAPredictors", "OFAEngine", "OFAEvaluators", "OFAStrategies",
                "OFAExperiments", "OFATestSupport", "COpenBLAS",
            ],
            exclude: ["Golden"]   // read from the source tree by GoldenReportTests
        ),
    ]
)

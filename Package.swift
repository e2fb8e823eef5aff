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
        .target(
            name: "OFASearch",
            dependencies: [
                "CXGBoost", "COpenBLAS", "CJSONC", "CSQLite",
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Sources",
            sources: ["OFACore", "OFAXGBoost", "OFAPredictors", "OFAEngine", "OFAEvaluators", "OFAStrategies",
                      "OFAExperiments"]
        ),
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
        .testTarget(
            name: "OFASearchTests",
            dependencies: ["OFASearch", "COpenBLAS"]
        ),
    ]
)

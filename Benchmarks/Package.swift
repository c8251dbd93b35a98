// swift-tools-version:6.1
import PackageDescription

// The benchmark harness of Tidemark, a package of its own so that its dependencies (GRDB for the peer baseline,
// package-benchmark for micro benchmarks) stay out of the engine's graph. See BENCHMARKS.md in the project's
// shared notes and docs/benchmarks.md for what is measured.
let package = Package(
    name: "TidemarkBenchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tidemark-bench", targets: ["TidemarkBench"]),
    ],
    dependencies: [
        .package(name: "Tidemark", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic record generators, statistics and process probes shared by the harness and the micro
        // benchmarks. No dependency: nothing here may skew what is measured.
        .target(name: "BenchmarkSupport"),
        .executableTarget(
            name: "TidemarkBench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Tidemark", package: "Tidemark"),
                .product(name: "LMDB", package: "Tidemark"),  // brings the CLMDB module for the floor
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

// The benchmark harness of Tidemark: a package of its own, so that its dependencies (GRDB for the peer
// baseline, package-benchmark for the micro benchmarks) stay out of the engine's graph. What is measured and
// why: BENCHMARKS.md; the latest figures: docs/benchmarks.md; how to run: Benchmarks/README.md.
//
// The engine is the package one directory up. TIDEMARK_ENGINE_PATH points at another checkout instead, to
// measure two versions of the engine with the same harness.
let enginePath = Context.environment["TIDEMARK_ENGINE_PATH"] ?? ".."

let package = Package(
    name: "TidemarkBenchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tidemark-bench", targets: ["TidemarkBench"]),
    ],
    dependencies: [
        .package(name: "Tidemark", path: enginePath),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // MallocInterposer only: the default traits also pull a runtime interposer that is not available here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic record generators, statistics and process probes, shared by the harness and the micro
        // benchmarks. No dependency, so nothing in it skews what is measured.
        .target(name: "BenchmarkSupport"),
        // The comparison harness: Tidemark vs the raw-LMDB floor vs the SQLite/GRDB peer.
        .executableTarget(
            name: "TidemarkBench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Tidemark", package: "Tidemark"),
                .product(name: "LMDB", package: "Tidemark"),  // brings the CLMDB module for the floor
                .product(name: "TidemarkServer", package: "Tidemark"),  // W3 over HTTP
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Micro benchmarks (package-benchmark): `swift package benchmark` in this directory.
        .executableTarget(
            name: "TidemarkMicro",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "Tidemark", package: "Tidemark"),
                .product(name: "LMDB", package: "Tidemark"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TidemarkMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

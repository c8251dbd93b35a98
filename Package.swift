// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tidemark",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Tidemark", targets: ["Tidemark"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "TidemarkServer", targets: ["TidemarkServer"]),
        .executable(name: "tidemark", targets: ["TidemarkCLI"]),
        .executable(name: "tidemark-crash-writer", targets: ["TidemarkCrashWriter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(
            name: "Tidemark",
            dependencies: [
                "LMDB",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TidemarkServer",
            dependencies: [
                "Tidemark",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "TidemarkCLI",
            dependencies: [
                "Tidemark",
                "TidemarkServer",
                "TidemarkExamples",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TidemarkExamples", dependencies: ["Tidemark"]),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "TidemarkTests", dependencies: ["Tidemark", "LMDB", "TidemarkExamples"]),
        .target(name: "TidemarkTestSupport", path: "Tests/TidemarkTestSupport"),
        .testTarget(
            name: "TidemarkServerTests",
            dependencies: [
                "TidemarkServer", "Tidemark", "TidemarkTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "TidemarkCLITests", dependencies: ["TidemarkCLI", "Tidemark", "LMDB", "TidemarkTestSupport"]),
        .executableTarget(name: "TidemarkCrashWriter", dependencies: ["Tidemark", "LMDB"]),
        .testTarget(name: "TidemarkCrashTests", dependencies: ["TidemarkCrashWriter", "Tidemark", "LMDB"]),
    ],
    swiftLanguageModes: [.v6]
)

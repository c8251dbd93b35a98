// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Tidemark",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Tidemark", targets: ["Tidemark"]),
        .library(name: "LMDB", targets: ["LMDB"]),
        .executable(name: "tidemark", targets: ["TidemarkCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
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
        .executableTarget(
            name: "TidemarkCLI",
            dependencies: [
                "Tidemark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB"]),
        .testTarget(name: "TidemarkTests", dependencies: ["Tidemark", "LMDB"]),
    ],
    swiftLanguageModes: [.v6]
)

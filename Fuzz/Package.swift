// swift-tools-version:6.0
// libFuzzer targets for AskDocs (issue #6), kept out of the main package so that its `swift build` and
// `swift test` never need the sanitizer runtime. Built and run by scripts/fuzz.sh.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name (the checkout's, which varies: a clone, a worktree).
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let askdocs = root.lastPathComponent

func fuzzer(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: askdocs) })
}

let package = Package(
    name: "AskDocsFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root.path)],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: [
            "CLibFuzzer",
            .product(name: "AskDocsEngine", package: askdocs), .product(name: "AskDocsCore", package: askdocs),
            .product(name: "AskDocsIngest", package: askdocs),
        ]),
        fuzzer("QuestionFuzzer", ["AskDocsEngine", "AskDocsCore", "AskDocsIndex"]),
        fuzzer("HTMLFuzzer", []),
        fuzzer("MarkdownFuzzer", []),
        fuzzer("TextFuzzer", []),
        fuzzer("AskBodyFuzzer", ["AskDocsEngine", "AskDocsCore"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "factory",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "factory", targets: ["factory"]),
        .library(name: "PlanDocument", targets: ["PlanDocument"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // ncursesw through a shim header that turns on the wide-character API.
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // glibc functions the Glibc overlay hides: wcwidth, pipe2, posix_spawn chdir.
        .systemLibrary(name: "CLibc"),
        // SHA-256 from the system's libcrypto: the seal on what the human approved.
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        // Display width of text in terminal columns: one function for layout, padding and truncation.
        .target(name: "TextWidth", dependencies: ["CLibc"]),
        // Text from outside made safe for a terminal: visible escapes, and JSON with no raw control.
        .target(name: "InertText"),
        // PLAN.md as a lossless document: parse, typed view, minimal edits, locked atomic writes.
        .target(name: "PlanDocument", dependencies: ["TextWidth", "CLibc"]),
        // agents/, themes/ and screens/ from the package root, embedded in the binary at build time.
        .executableTarget(name: "embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),
        .target(name: "BundledFiles", plugins: ["EmbedFiles"]),
        // Workspace discovery; grows into the orchestration engine.
        .target(name: "FactoryEngine", dependencies: ["PlanDocument", "BundledFiles", "CLibc", "CCrypto", "InertText", "Yams"]),
        // The only module that calls curses.
        .target(name: "Dashboard", dependencies: ["CNcursesw", "CLibc", "TextWidth", "InertText", "BundledFiles", "FactoryEngine", "PlanDocument"]),
        .executableTarget(
            name: "factory",
            dependencies: [
                "PlanDocument", "FactoryEngine", "Dashboard", "InertText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PlanDocumentTests", dependencies: ["PlanDocument", "TextWidth"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "TextWidth", "InertText", "FactoryEngine", "PlanDocument"]),
        .testTarget(name: "BundledFilesTests", dependencies: ["BundledFiles"]),
        .testTarget(name: "FactoryEngineTests", dependencies: ["FactoryEngine", "PlanDocument", "BundledFiles", "factory"]),
        .testTarget(name: "FactoryCLITests", dependencies: ["factory", "PlanDocument", "FactoryEngine"]),
    ]
)

// Fuzzing (`.ci/fuzz`): with FACTORY_FUZZ=1 the package gains `factory-fuzz`, one libFuzzer
// executable for every decoder of outside input, and its modules are built with coverage and
// AddressSanitizer (and -enable-testing, so the fuzzer reaches internal decoders). Normal
// builds and `swift test` never see it.
if Context.environment["FACTORY_FUZZ"] == "1" {
    let sanitize = ["-sanitize=fuzzer,address"]
    for target in package.targets where target.type == .regular {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(sanitize + ["-enable-testing"])]
    }
    package.targets.append(.systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"))
    package.targets.append(.executableTarget(
        name: "factory-fuzz",
        dependencies: ["CFuzzer", "PlanDocument", "FactoryEngine", "Dashboard", "InertText"],
        path: "Fuzz/Sources",
        swiftSettings: [.unsafeFlags(sanitize)],
        linkerSettings: [.unsafeFlags(sanitize + ["-use-ld=lld"])]
    ))
}

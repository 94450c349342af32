import CFuzzer
import Foundation

/// One libFuzzer executable for every decoder of outside input; `FACTORY_FUZZ_TARGET` names
/// which one a run exercises (`.ci/fuzz` runs each in turn). A target returns normally for
/// any input it handles well, and calls `check` for the invariants its format promises: a
/// broken invariant aborts, and libFuzzer keeps the input that broke it.
@main
enum FactoryFuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTargets.selected(Array(UnsafeBufferPointer(start: data, count: size)))
            return 0
        })
    }
}

enum FuzzTargets {
    static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "plan": PlanFuzz.parse,
        "plan-edit": PlanFuzz.edit,
        "claude": StreamFuzz.claude,
        "codex": StreamFuzz.codex,
        "gemini": StreamFuzz.gemini,
        "hook": HookFuzz.payload,
        "signals": HookFuzz.signalLines,
        "theme": ConfigFuzz.theme,
        "keys": ConfigFuzz.keys,
        "role": ConfigFuzz.role,
        "screen-rules": ScreenFuzz.rules,
        "screen": ScreenFuzz.screen,
        "command": ChannelFuzz.command,
        "inert": ChannelFuzz.inert,
    ]

    static let selected: @Sendable ([UInt8]) -> Void = {
        let name = ProcessInfo.processInfo.environment["FACTORY_FUZZ_TARGET"] ?? ""
        guard let target = all[name] else {
            say("factory-fuzz: set FACTORY_FUZZ_TARGET to one of: \(all.keys.sorted().joined(separator: " "))")
            exit(2)
        }
        return target
    }()
}

/// An invariant: when it does not hold, say which and abort, so libFuzzer saves the input.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
           file: StaticString = #fileID, line: UInt = #line) {
    guard !condition() else { return }
    say("factory-fuzz: invariant broken at \(file):\(line): \(message())")
    if ProcessInfo.processInfo.environment["FACTORY_FUZZ_SHOW"] != nil { say(FuzzShow.text()) }
    abort()
}

/// Splits fuzz input in two at the first NUL: a small header (parameters chosen by the
/// fuzzer) and the body (the document itself). No NUL: an empty header.
func splitHeader(_ bytes: [UInt8]) -> (header: [UInt8], body: [UInt8]) {
    guard let nul = bytes.firstIndex(of: 0) else { return ([], bytes) }
    return (Array(bytes[..<nul]), Array(bytes[(nul + 1)...]))
}

/// Chunk sizes derived from the input itself, so a crash reproduces from the input alone.
func chunks(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var out: [ArraySlice<UInt8>] = []
    var at = 0
    var seed = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    while at < bytes.count {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        let size = Int(seed >> 58) + 1 // 1…64
        let end = min(bytes.count, at + size)
        out.append(bytes[at..<end])
        at = end
    }
    return out
}

func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

/// What a replay with FACTORY_FUZZ_SHOW set prints when an invariant breaks (the edited
/// document, say), to see the failure without a debugger.
enum FuzzShow {
    nonisolated(unsafe) static var text: () -> String = { "" }
}

func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

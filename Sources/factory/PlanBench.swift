import ArgumentParser
import PlanDocument
#if canImport(Glibc)
import Glibc
#endif

/// `factory bench plan`: parse a generated 20 MB PLAN.md, and run cmark-gfm on the same
/// file side by side, reporting medians and ratios of time and peak memory; then
/// `factory plan --json` and `factory lint` as whole processes against cmark-gfm's time.
struct PlanBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Parse a generated PLAN.md (10,000 tasks, 100,000 messages) and compare with cmark-gfm -e table."
    )

    @Option(help: "Tasks in the generated file.") var tasks = 10_000
    @Option(help: "Messages in the generated file.") var messages = 100_000
    @Option(help: "Runs of each measurement; medians are reported.") var runs = 7
    @Option(help: "Keep the generated file here instead of a temporary path.") var keep: String?

    func run() throws {
        let path = keep ?? "/tmp/factory-bench-\(getpid()).md"
        let bytes = PlanSamples.generated(tasks: tasks, messages: messages)
        try writeFile(path, bytes)
        defer { if keep == nil { unlink(path) } }
        print("file: \(path), \(bytes.count / 1_000_000) MB, \(tasks) tasks, \(messages) messages; \(runs) runs each")

        var inProcess: [Double] = []
        for _ in 0..<runs {
            let start = monotonicSeconds()
            let doc = PlanDocument(bytes: bytes)
            inProcess.append(monotonicSeconds() - start)
            precondition(doc.view.tasks.count == tasks && doc.view.messages.count == messages, "benchmark file misparsed")
        }
        let parse = median(inProcess)
        print(String(format: "in-process parse: median %.1f ms (target < 150 ms) %@", parse * 1000, parse < 0.150 ? "PASS" : "FAIL"))

        let selfPath = executablePath()
        var ours: [ChildRun] = [], cmark: [ChildRun] = [], json: [ChildRun] = [], lint: [ChildRun] = []
        for _ in 0..<runs {
            // Alternate so all see the same machine load.
            ours.append(try ChildRun.measure([selfPath, "bench", "parse-once", path]))
            cmark.append(try ChildRun.measure(["cmark-gfm", "-e", "table", path]))
            json.append(try ChildRun.measure([selfPath, "plan", "--json", "--file", path]))
            lint.append(try ChildRun.measure([selfPath, "lint", "--file", path]))
        }
        let ourTime = median(ours.map(\.seconds)), cmarkTime = median(cmark.map(\.seconds))
        let ourRSS = median(ours.map { Double($0.peakKB) }), cmarkRSS = median(cmark.map { Double($0.peakKB) })
        print(String(format: "factory (whole process: read + parse): median %.1f ms, peak %.1f MB", ourTime * 1000, ourRSS / 1024))
        print(String(format: "cmark-gfm -e table:                    median %.1f ms, peak %.1f MB", cmarkTime * 1000, cmarkRSS / 1024))
        let speed = cmarkTime / ourTime, memory = cmarkRSS / ourRSS
        print(String(format: "speed ratio (cmark-gfm / factory): %.2fx (target >= 2x) %@", speed, speed >= 2 ? "PASS" : "FAIL"))
        print(String(format: "memory ratio (cmark-gfm / factory): %.2fx (target > 1x) %@", memory, memory > 1 ? "PASS" : "FAIL"))
        let jsonTime = median(json.map(\.seconds)), lintTime = median(lint.map(\.seconds))
        print(String(format: "factory plan --json FILE > /dev/null:  median %.1f ms, %.2fx cmark-gfm's time (target <= 1x) %@",
                     jsonTime * 1000, jsonTime / cmarkTime, jsonTime <= cmarkTime ? "PASS" : "FAIL"))
        print(String(format: "factory lint --file FILE:              median %.1f ms, %.2fx cmark-gfm's time (target <= 0.5x) %@",
                     lintTime * 1000, lintTime / cmarkTime, lintTime <= cmarkTime / 2 ? "PASS" : "FAIL"))
    }
}

/// Parses one file and exits: the child process the benchmark times and measures.
struct ParseOnce: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse-once", abstract: "Read and parse one file (used by bench plan).", shouldDisplay: false)
    @Argument var path: String

    func run() throws {
        let doc = try PlanFile(path: path).read()
        if doc.view.tasks.isEmpty && doc.view.messages.isEmpty { throw ExitCode(2) }
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CLIError("cannot write \(path)") }
    defer { close(fd) }
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        guard n > 0 else { throw CLIError("cannot write \(path)") }
        done += n
    }
}

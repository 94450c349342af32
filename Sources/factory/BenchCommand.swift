import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with -c release).",
        subcommands: [PlanBench.self, EngineBench.self, DashboardBench.self, KeeperBench.self, ChannelBench.self, RequestBench.self, LoadBench.self, SessionsBench.self, HookBench.self, SandboxBench.self, ParseOnce.self, SoakBench.self]
    )
}

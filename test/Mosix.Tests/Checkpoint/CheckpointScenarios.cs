using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>The programs the checkpoint tests stop mid-run: one C program per feature, and python3.</summary>
public static class CheckpointScenarios
{
    /// <summary>Computes as it goes and prints a digest every 30 ms: an interpreter with a large heap and many mappings.</summary>
    public const string PythonScript = """
        import hashlib, time
        digest = hashlib.sha256()
        total = 0
        for step in range(1, 61):
            for j in range(3000):
                total += (step * j) % 7
            digest.update(str(total).encode())
            print(f"python3: step {step} total {total} sha {digest.hexdigest()[:16]}", flush=True)
            time.sleep(0.03)
        print("python3: done")
        """;

    public static IReadOnlyList<CheckpointScenario> All { get; } =
    [
        new("ckpt_avx", [CheckpointScenario.TestsPrefix + "ckpt_avx"])
        {
            MidRunLine = "ckpt_avx: step 5 ",
            FinalLine = "ckpt_avx: lane 3 ",
            CpuFlags = ["avx2", "fma"],
        },
        // Checkpointed while the interval timer ticks and the program waits in sigsuspend.
        new("ckpt_signals", [CheckpointScenario.TestsPrefix + "ckpt_signals"])
        {
            MidRunLine = "ckpt_signals: tick 3 ",
            FinalLine = "ckpt_signals: done, 20 ticks, 20 USR1\n",
        },
        // The same program checkpointed while one SIGALRM is pending and blocked, when getitimer reports the
        // interval timer with "value 0" (the kernel re-arms it only as that SIGALRM is dequeued).
        new("ckpt_signals_pending", [CheckpointScenario.TestsPrefix + "ckpt_signals"])
        {
            MidRunLine = "ckpt_signals: holding it, step 3\n",
            FinalLine = "ckpt_signals: done, 20 ticks, 20 USR1\n",
        },
        new("ckpt_heap", [CheckpointScenario.TestsPrefix + "ckpt_heap"])
        {
            MidRunLine = "ckpt_heap: step 5 ",
            FinalLine = "ckpt_heap: done\n",
        },
        new("ckpt_static", [CheckpointScenario.TestsPrefix + "ckpt_static"])
        {
            MidRunLine = "ckpt_static: step 5 ",
            FinalLine = "ckpt_static: done after 60 steps",
        },
        new("ckpt_file", [CheckpointScenario.TestsPrefix + "ckpt_file", "out.txt"])
        {
            MidRunLine = "ckpt_file: wrote line 5 ",
            FinalLine = "ckpt_file: done, ",
            OutputFile = "out.txt",
        },
        new("python3", ["/usr/bin/python3", "-c", PythonScript])
        {
            MidRunLine = "python3: step 5 ",
            FinalLine = "python3: done\n",
        },
    ];

    public static CheckpointScenario Get(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no checkpoint scenario named {name}", nameof(name));

    /// <summary>Test cases for the named scenarios (all when none are named), shown as <c>Method(name)</c>.</summary>
    public static IEnumerable<TestCaseData> Cases(params string[] names) =>
        (names.Length == 0 ? All : names.Select(Get)).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));
}

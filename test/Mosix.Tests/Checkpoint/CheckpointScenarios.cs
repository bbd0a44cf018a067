using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>The programs the checkpoint tests stop mid-run: one C program per feature, and python3 (one thread and four).</summary>
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

    /// <summary>A pool of 4 threads computing digests for the main thread, which prints them every 30 ms.</summary>
    public const string PythonThreadsScript = """
        import hashlib, time
        from concurrent.futures import ThreadPoolExecutor
        def work(step, part):
            h = hashlib.sha256()
            for j in range(400):
                h.update(f"{step}:{part}:{j}".encode())
            return h.hexdigest()[:12]
        with ThreadPoolExecutor(max_workers=4) as pool:
            for step in range(1, 61):
                parts = list(pool.map(lambda p: work(step, p), range(4)))
                print(f"python3-threads: step {step} {' '.join(parts)}", flush=True)
                time.sleep(0.03)
        print("python3-threads: done")
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
        // Threads (docs/checkpoint.md, "Threads"): workers at barriers, a mutex, a timed condition wait,
        // thread-local variables; at the end pthread_kill to each worker and pthread_join of all.
        new("ckpt_pthreads", [CheckpointScenario.TestsPrefix + "ckpt_pthreads"])
        {
            MidRunLine = "ckpt_pthreads: step 5 ",
            FinalLine = "ckpt_pthreads: done, total ",
        },
        // C++: std::thread, std::atomic spinning (acquire/release), a condition_variable, join.
        new("ckpt_cxx_threads", [CheckpointScenario.TestsPrefix + "ckpt_cxx_threads"])
        {
            MidRunLine = "ckpt_cxx_threads: step 5 ",
            FinalLine = "ckpt_cxx_threads: done, total ",
        },
        new("ckpt_openmp", [CheckpointScenario.TestsPrefix + "ckpt_openmp"])
        {
            MidRunLine = "ckpt_openmp: step 5 ",
            FinalLine = "ckpt_openmp: done\n",
        },
        // Descriptors only the process holds, made again at restore: a pipe with bytes in it, an eventfd, epoll.
        new("ckpt_private_fds", [CheckpointScenario.TestsPrefix + "ckpt_private_fds"])
        {
            MidRunLine = "ckpt_private_fds: step 5 ",
            FinalLine = "ckpt_private_fds: done, ",
        },
        // Go's runtime: threads it starts itself, futexes, signals, its poller (epoll and a pipe).
        new("go_steps", [CheckpointScenario.TestsPrefix + "go_steps"])
        {
            MidRunLine = "go_steps: step 5 ",
            FinalLine = "go_steps: done\n",
            NeedsProgram = "go_steps",
        },
        new("python3_threads", ["/usr/bin/python3", "-c", PythonThreadsScript])
        {
            MidRunLine = "python3-threads: step 5 ",
            FinalLine = "python3-threads: done\n",
        },
    ];

    public static CheckpointScenario Get(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no checkpoint scenario named {name}", nameof(name));

    /// <summary>Test cases for the named scenarios (all when none are named), shown as <c>Method(name)</c>.</summary>
    public static IEnumerable<TestCaseData> Cases(params string[] names) =>
        (names.Length == 0 ? All : names.Select(Get)).Select(s => new TestCaseData(s).SetArgDisplayNames(s.Name));
}

namespace Mosix.Tests.Harness;

/// <summary>
/// A python3 program using multiprocessing.Pool (processes, forked): CPU-bound tasks mapped over
/// its workers, whose semaphores and locks are memory shared with their parent. Prints
/// "pool started" once the workers exist, then the results in order; exits with status 3.
/// </summary>
internal static class PythonPool
{
    public static string[] Command(int workers, int tasks, long iterations) =>
        ["python3", "-c", $$"""
            import multiprocessing, sys

            def work(n):
                x = 0
                for i in range(n):
                    x = (x * 31 + i) % 1_000_003
                return x

            if __name__ == '__main__':
                multiprocessing.set_start_method('fork')
                with multiprocessing.Pool({{workers}}) as pool:
                    print('pool started', flush=True)
                    results = pool.map(work, [{{iterations}} + k for k in range({{tasks}})], chunksize=1)
                print(results)
                sys.exit(3)
            """];
}

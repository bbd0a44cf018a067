namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// An incarnation's threads by their two ids: the tid each has on this node, and the home tid it
/// stands for (its deputy thread's). The program only ever sees home's: gettid answers it, glibc's
/// copies keep it, and a signal home sends one thread alone is sent on to the thread here
/// (docs/migration.md, "Threads").
/// </summary>
/// <remarks>Filled on the tracer thread as the restore makes the threads; read from any thread.</remarks>
public sealed class ThreadIds
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, int> _homeOf = [], _localOf = [];

    /// <summary>Pairs a thread made here with the home tid it stands for.</summary>
    public void Add(int local, int home)
    {
        lock (_lock)
        {
            _homeOf[local] = home;
            _localOf[home] = local;
        }
    }

    /// <summary>The home tid of local thread <paramref name="local"/>, or null if it is none of the incarnation's.</summary>
    public int? HomeOf(int local)
    {
        lock (_lock)
            return _homeOf.TryGetValue(local, out int home) ? home : null;
    }

    /// <summary>The local thread that stands for home tid <paramref name="home"/>, or null.</summary>
    public int? LocalOf(int home)
    {
        lock (_lock)
            return _localOf.TryGetValue(home, out int local) ? local : null;
    }

    /// <summary>How many threads are paired.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _homeOf.Count;
        }
    }
}

namespace Mosix.Tests.Harness;

/// <summary>Drains one output pipe of a child into memory as raw bytes, and lets a test wait for what it expects.</summary>
internal sealed class OutputCapture
{
    private readonly MemoryStream _bytes = new();
    private readonly object _gate = new(); // a plain object: Monitor.Wait/PulseAll need monitor locking, not System.Threading.Lock
    private readonly Task _pump;
    private bool _ended;

    public OutputCapture(Stream source) => _pump = Task.Run(() => PumpAsync(source));

    public byte[] Snapshot()
    {
        lock (_gate)
            return _bytes.ToArray();
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the bytes so far; false at EOF or the deadline.</summary>
    public bool WaitUntil(Func<byte[], bool> condition, DateTime deadline)
    {
        while (true)
        {
            byte[] now = Snapshot();
            if (condition(now))
                return true;
            lock (_gate)
            {
                if (_ended || DateTime.UtcNow >= deadline)
                    return condition(_bytes.ToArray());
                if (_bytes.Length == now.Length)
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
            }
        }
    }

    /// <summary>Waits for EOF: every writer (the child and anything it passed the pipe on to) has closed it.</summary>
    public bool WaitForEnd(DateTime deadline)
    {
        TimeSpan left = deadline - DateTime.UtcNow;
        return _pump.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    private async Task PumpAsync(Stream source)
    {
        byte[] chunk = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await source.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                lock (_gate)
                {
                    _bytes.Write(chunk, 0, n);
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe went away with the process: what was read is all there is.
        }
        finally
        {
            lock (_gate)
            {
                _ended = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}

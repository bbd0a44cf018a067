namespace Mosix.Agent.Migration;

/// <summary>
/// Copies bytes both ways between two streams until either side ends, then closes both, so each
/// far end sees the other's end. Agents relay a migration this way once its offer is accepted: the
/// home and the guest speak frames to each other; the agents neither parse nor hold them.
/// </summary>
public static class ByteRelay
{
    private const int BufferSize = 256 * 1024;

    public static async Task RunAsync(Stream a, Stream b, CancellationToken stop)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var one = PumpAsync(a, b, done.Token);
        var other = PumpAsync(b, a, done.Token);
        await Task.WhenAny(one, other);
        done.Cancel();
        await a.DisposeAsync();
        await b.DisposeAsync();
        await Task.WhenAll(one, other);
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken stop)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
        try
        {
            int got;
            while ((got = await from.ReadAsync(buffer, stop)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, got), stop);
                await to.FlushAsync(stop);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // One side is gone: the relay ends, and closing both tells the other.
        }
    }
}

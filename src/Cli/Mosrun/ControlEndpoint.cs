using Microsoft.Win32.SafeHandles;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// mosrun's local control socket, through which <c>migrate PID ...</c> from another shell asks for
/// checkpoints. Named by the program's pid, with a link named by mosrun's own pid, in the user's
/// owner-only runtime folder; removed when mosrun ends.
/// </summary>
/// <remarks>
/// One plain thread blocked in accept(2) on a descriptor-level socket (<see cref="LocalSocket"/>):
/// requests are rare, and the managed socket stack would cost every mosrun start-up milliseconds.
/// </remarks>
internal sealed class ControlEndpoint : IDisposable
{
    private readonly SafeFileHandle _listener;
    private readonly string[] _paths;
    private readonly Func<string, Task<ControlLine.Reply>> _handle;
    private Thread? _acceptor;

    /// <summary>Requests being answered (not native ones, which last as long as their command).</summary>
    private readonly List<Thread> _serving = [];

    /// <summary>Runs after a reply has been written (chkstop stops mosrun only then).</summary>
    public Action? AfterReply
    {
        get => _afterReplyPending;
        set => _afterReplyPending = value;
    }

    private Action? _afterReplyPending;

    private ControlEndpoint(SafeFileHandle listener, string[] paths, Func<string, Task<ControlLine.Reply>> handle)
    {
        _listener = listener;
        _paths = paths;
        _handle = handle;
    }

    /// <summary>Listens for <paramref name="programPid"/>; null (and a warning) if the socket cannot be made.</summary>
    public static ControlEndpoint? Open(int programPid, Func<string, Task<ControlLine.Reply>> handle)
    {
        try
        {
            RuntimeDirectory.Ensure();
            string path = RuntimeDirectory.ProcessSocket(programPid);
            string alias = RuntimeDirectory.ProcessSocket(Environment.ProcessId);
            File.Delete(path); // a stale socket of an earlier process with the same pid
            File.Delete(alias);
            var listener = LocalSocket.Listen(path);
            File.CreateSymbolicLink(alias, path);
            var endpoint = new ControlEndpoint(listener, [path, alias], handle);
            endpoint._acceptor = new Thread(endpoint.AcceptLoop) { Name = "mosrun control", IsBackground = true };
            endpoint._acceptor.Start();
            return endpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"mosrun: no control socket ({e.Message}); migrate cannot reach this process");
            return null;
        }
    }

    private void AcceptLoop()
    {
        while (LocalSocket.Accept(_listener) is { } client)
        {
            var stream = new FileStream(client, FileAccess.ReadWrite, bufferSize: 0);
            string? request = ReadRequest(stream);
            if (request is null)
            {
                stream.Dispose();
            }
            else if (IsQuestion(request))
            {
                // Answered from what mosrun already knows, at once: the balancer asks every mosrun
                // each round, and a thread per question cost an idle mosrun ~1.5% of a core.
                Serve(stream, request, afterReply: false);
            }
            else
            {
                // Each request on a thread of its own: a move or a checkpoint of one process of the
                // tree takes a while, and a command run outside supervision (native) as long as the
                // program; migrate, mosps and the balancer still get their answers meanwhile.
                bool native = request.StartsWith("native ", StringComparison.Ordinal);
                var server = new Thread(() => Serve(stream, request, afterReply: !native)) { Name = "mosrun request", IsBackground = true };
                if (!native)
                {
                    lock (_serving)
                    {
                        _serving.RemoveAll(t => !t.IsAlive);
                        _serving.Add(server);
                    }
                }
                server.Start();
            }
        }
    }

    /// <summary>The requests that only read mosrun's own state (members, status, job, lastimage): never slow, never blocking.</summary>
    private static bool IsQuestion(string request)
    {
        ControlLine.Addressed(request, out _, out string verb);
        return verb is "members" or "status" or "job" or "lastimage";
    }

    private static string? ReadRequest(FileStream stream)
    {
        try
        {
            return ControlLine.ReadLine(stream)?.Trim();
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null; // a client that goes away or talks nonsense gets nothing
        }
    }

    private void Serve(FileStream stream, string request, bool afterReply)
    {
        using (stream)
        {
            try
            {
                var reply = _handle(request).GetAwaiter().GetResult();
                ControlLine.WriteLine(stream, reply.ToString());
                if (afterReply)
                    Interlocked.Exchange(ref _afterReplyPending, null)?.Invoke();
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                // A client that goes away loses its answer, nothing more.
            }
        }
    }

    public void Dispose()
    {
        // Stop accepting, but let a request in flight write its reply (chkexit ends the program
        // before migrate has its answer).
        LocalSocket.Shutdown(_listener);
        _acceptor?.Join(TimeSpan.FromSeconds(10));
        Thread[] serving;
        lock (_serving)
            serving = [.. _serving];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var server in serving)
            server.Join(TimeSpan.FromTicks(Math.Max(0, (deadline - DateTime.UtcNow).Ticks)));
        foreach (var path in _paths)
        {
            try { File.Delete(path); }
            catch (IOException) { /* already gone */ }
        }
    }
}

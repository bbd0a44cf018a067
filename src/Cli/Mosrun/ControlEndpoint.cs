using System.Net.Sockets;
using Mosix.Shim.Local;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// mosrun's local control socket, through which <c>migrate PID ...</c> from another shell asks for
/// checkpoints. Named by the program's pid, with a link named by mosrun's own pid, in the user's
/// owner-only runtime folder; removed when mosrun ends.
/// </summary>
internal sealed class ControlEndpoint : IDisposable
{
    private readonly Socket _listener;
    private readonly string[] _paths;
    private readonly Func<string, Task<ControlLine.Reply>> _handle;
    private readonly CancellationTokenSource _stop = new();

    private ControlEndpoint(Socket listener, string[] paths, Func<string, Task<ControlLine.Reply>> handle)
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
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(8);
            File.CreateSymbolicLink(alias, path);
            var endpoint = new ControlEndpoint(listener, [path, alias], handle);
            _ = endpoint.AcceptLoopAsync();
            return endpoint;
        }
        catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"mosrun: no control socket ({e.Message}); migrate cannot reach this process");
            return null;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                string? request = await ControlLine.ReadLineAsync(client, _stop.Token);
                if (request is null)
                    return;
                var reply = await _handle(request.Trim());
                await ControlLine.SendLineAsync(client, reply.ToString(), _stop.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or OperationCanceledException)
            {
                // A client that goes away or talks nonsense loses its answer, nothing more.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var path in _paths)
        {
            try { File.Delete(path); }
            catch (IOException) { /* already gone */ }
        }
    }
}

using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Tells the node's agent about the program, so that placement can move it (or, with -L, knows to
/// leave it): a held connection on the agent's control socket, whose end is the program's end. An
/// agent that is not there, or goes away, is asked again every few seconds; without one, the
/// program simply stays where it is put.
/// </summary>
internal sealed class AgentRegistration : IDisposable
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    private readonly ProcessRegister _register;
    private readonly CancellationTokenSource _stop = new();

    private AgentRegistration(ProcessRegister register) => _register = register;

    public static AgentRegistration Start(int programPid, PlacementWishes wishes)
    {
        var registration = new AgentRegistration(new ProcessRegister
        {
            Pid = (uint)programPid,
            ControlSocket = RuntimeDirectory.ProcessSocket(programPid),
            AutoMigrate = wishes.AutoMigrate,
            MemoryBytes = (ulong)wishes.MemoryBytes,
            Job = wishes.Job ?? "",
            Command = ProcessStatus.Comm(programPid) ?? "?",
            StartedUnixMs = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            MosrunPid = (uint)Environment.ProcessId,
        });
        _ = Task.Run(registration.HoldAsync);
        return registration;
    }

    private async Task HoldAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var agent = await AgentClient.ConnectAsync(StateDirectory.Resolve(null), _stop.Token);
                await agent.AskAsync(MessageKind.ProcessRegister, _register, MessageKind.ProcessRegistered, ProcessRegistered.Parser, _stop.Token);
                await agent.NextAsync(MessageKind.ProcessRegistered, ProcessRegistered.Parser, _stop.Token); // held until either end goes
            }
            catch (Exception e) when (e is AgentUnreachableException or OperationCanceledException or InvalidOperationException)
            {
                // No agent (or not yet, or no longer): placement is off until one answers.
            }
            try
            {
                await Task.Delay(Retry, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel(); // not disposed: the holder may still be looking at the token
    }
}

/// <summary>What mosrun's options say about placement: -l/-L, -m, -J.</summary>
internal sealed record PlacementWishes(bool AutoMigrate, long MemoryBytes, string? Job)
{
    public static PlacementWishes Defaults { get; } = new(true, 0, null);
}

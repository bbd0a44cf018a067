using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// mosrun -q: waits in the node's queue until the cluster has a free core for the program, then
/// says where it should start. mosq lists, reorders and deletes waiting jobs; a job deleted there
/// ends its mosrun without running the program.
/// </summary>
/// <remarks>
/// The queue connection stays open after the grant: it is the job's slot, and the agent counts the
/// job on its node until mosrun ends and the connection closes, whatever the (lagging) load
/// measurement says in the meantime.
/// </remarks>
internal static class QueueWait
{
    /// <summary>The node to start on ("" at home) and the slot to hold while it runs, or mosrun's exit code when the job will not run.</summary>
    public static (string? Node, IAsyncDisposable? Slot, int? ExitCode) Wait(int priority, string command, long memoryBytes)
    {
        try
        {
            return WaitAsync(priority, command, memoryBytes).GetAwaiter().GetResult();
        }
        catch (AgentUnreachableException e)
        {
            return (null, null, Fail.With(MosrunCommand.Name, $"-q needs this node's agent: {e.Message}", 1));
        }
    }

    private static async Task<(string?, IAsyncDisposable?, int?)> WaitAsync(int priority, string command, long memoryBytes)
    {
        var agent = await AgentClient.ConnectAsync(StateDirectory.Resolve(null), CancellationToken.None);
        try
        {
            var request = new QueueRequest { Pid = (uint)Environment.ProcessId, Priority = priority, Command = command, MemoryBytes = (ulong)memoryBytes };
            // The answer comes when the job may start: the request and the wait are one exchange.
            var grant = await agent.AskAsync(MessageKind.QueueRequest, request, MessageKind.QueueGrant, QueueGrant.Parser, CancellationToken.None);
            if (grant.Cancelled)
            {
                await agent.DisposeAsync();
                return (null, null, Fail.With(MosrunCommand.Name, $"{command}: {grant.Message}; not run", 1));
            }
            return (grant.Node, agent, null);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }
}

using Microsoft.Extensions.Logging;
using Mosix.Agent.Logging;
using Mosix.Agent.Placement;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Control;

/// <summary>
/// Control connections that stay open: a mosrun's registration of its program (open while the
/// program lives) and a queued job's wait for its start (mosrun -q), then its slot while it runs.
/// </summary>
public sealed class HeldConnections(Configuration.AgentOptions options, LocalProcesses processes, JobQueue queue, Balancer balancer, ILogger<HeldConnections> logger)
{
    public async Task ServeAsync(FrameStream frames, Frame request, CancellationToken stop)
    {
        if (request.Kind == MessageKind.ProcessRegister)
            await RegisteredAsync(frames, request.Read(ProcessRegister.Parser), stop);
        else
            await QueuedAsync(frames, request.Read(QueueRequest.Parser), stop);
    }

    private async Task RegisteredAsync(FrameStream frames, ProcessRegister register, CancellationToken stop)
    {
        var process = new HomeProcess((int)register.Pid, register.ControlSocket, register.AutoMigrate, (long)register.MemoryBytes,
            register.Job, register.Command, DateTimeOffset.FromUnixTimeMilliseconds((long)register.StartedUnixMs));
        processes.Add(process);
        queue.Registered((int)register.MosrunPid, process, balancer.Pending);
        Log.ProcessRegistered(logger, process.Pid, process.Command, process.Job.Length > 0 ? $" in job {process.Job}" : "",
            process.AutoMigrate ? "" : " (stays: mosrun -L)");
        try
        {
            await frames.WriteAsync(MessageKind.ProcessRegistered, new ProcessRegistered(), stop);
            while (await frames.ReadAsync(stop) is not null)
            {
                // Nothing is sent on a registration; its end is the news.
            }
        }
        finally
        {
            processes.Remove(process);
        }
    }

    private async Task QueuedAsync(FrameStream frames, QueueRequest request, CancellationToken stop)
    {
        var entry = queue.Enqueue((int)request.Pid, request.Priority, request.Command, (long)request.MemoryBytes);
        Log.JobQueued(logger, entry.Pid, entry.Command, entry.Priority);
        // The mosrun's end (the user's Ctrl-C) takes the job out of the queue.
        var gone = frames.ReadAsync(stop);
        try
        {
            var first = await Task.WhenAny(entry.Start.Task, gone);
            if (first != entry.Start.Task)
                return;
            string? node = await entry.Start.Task;
            await frames.WriteAsync(MessageKind.QueueGrant, node is null
                ? new QueueGrant { Cancelled = true, Message = "deleted from the queue (mosq)" }
                : new QueueGrant { Node = node == options.Name ? "" : node }, stop);
            if (node is not null)
                await gone; // the job holds its slot until its mosrun ends
        }
        finally
        {
            queue.Forget(entry);
        }
    }
}

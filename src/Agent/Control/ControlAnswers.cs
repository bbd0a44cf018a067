using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Discovery;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;
using Mosix.Agent.Node;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Control;

/// <summary>Answers one control request: status, the cluster view, the user's processes, an owner command.</summary>
public sealed class ControlAnswers(AgentOptions options, NodeState node, Dissemination dissemination, Departure departure,
    Placement.Balancer balancer, Placement.JobQueue queue, IServiceProvider services, ILogger<ControlAnswers> logger)
{
    public (MessageKind Kind, IMessage Reply) Answer(Frame request)
    {
        try
        {
            return request.Kind switch
            {
                MessageKind.StatusRequest => (MessageKind.StatusReply, Status()),
                MessageKind.ClusterViewRequest => (MessageKind.ClusterViewReply, View()),
                MessageKind.OwnerCommand => (MessageKind.OwnerReply, Command(request.Read(OwnerCommand.Parser))),
                MessageKind.BestNodeRequest => (MessageKind.BestNodeReply, BestNode(request.Read(BestNodeRequest.Parser))),
                MessageKind.QueueListRequest => (MessageKind.QueueList, Queue()),
                MessageKind.QueueChange => (MessageKind.QueueChangeReply, ChangeQueue(request.Read(QueueChange.Parser))),
                _ => (MessageKind.ControlError, new ControlError { Message = $"this agent does not answer {FrameStream.Describe(request.Kind)}" }),
            };
        }
        catch (FrameException e)
        {
            return (MessageKind.ControlError, new ControlError { Message = e.Message });
        }
    }

    private NodeStatus Status()
    {
        var snapshot = dissemination.Snapshot();
        var links = (services.GetService(typeof(LinkPool)) as LinkPool)?.ConnectedCount ?? 0;
        links += (services.GetService(typeof(LinkListener)) as LinkListener)?.InboundCount ?? 0;
        return new NodeStatus
        {
            Node = options.Name,
            Endpoint = options.Advertise?.ToString() ?? "",
            StateDirectory = options.State.Path,
            Pid = (uint)Environment.ProcessId,
            Version = AgentVersion.Text,
            ProtocolVersion = Shim.Wire.ProtocolVersion.Current,
            UptimeMs = (ulong)(DateTimeOffset.UtcNow - node.StartedAt).TotalMilliseconds,
            Self = VectorMapping.ToWire(new AgedVector(snapshot.Self, TimeSpan.Zero)),
            Blocked = node.Blocked,
            Expelling = node.Expelling,
            Leaving = node.Leaving,
            Guests = (uint)node.Guests,
            KnownNodes = (uint)snapshot.Nodes.Count,
            Links = (uint)links,
            HasCredentials = options.Credentials is not null,
        };
    }

    private ClusterView View()
    {
        var snapshot = dissemination.Snapshot();
        var view = new ClusterView
        {
            Self = VectorMapping.ToWire(new AgedVector(snapshot.Self, TimeSpan.Zero)),
            IntervalMs = (uint)options.Gossip.Interval.TotalMilliseconds,
            TimeoutMs = (uint)options.Gossip.Timeout.TotalMilliseconds,
        };
        view.Nodes.AddRange(snapshot.Nodes.Select(VectorMapping.ToWire));
        return view;
    }

    private (bool, string) SetPriority(string home, int priority)
    {
        if (priority is < 0 or > 1000)
            return (false, "cngpri: the priority must be between 0 and 1000");
        node.SetPriority(home, priority);
        return (true, $"guests from {home} now have priority {priority} (lower leave last)");
    }

    /// <summary>Where a new process would go now (mosbestnode, mosrun -b).</summary>
    private BestNodeReply BestNode(BestNodeRequest request)
    {
        var nodes = balancer.Nodes();
        if (Placement.PlacementPolicy.BestNode(nodes, options.Name, (long)request.MemoryBytes, balancer.Settings) is not { } best)
            return new BestNodeReply { Reason = $"no node has {request.MemoryBytes >> 20} MiB to spare" };
        return new BestNodeReply
        {
            Node = best.Node,
            AtHome = best.Node == options.Name,
            Reason = $"{best.RateAt(best.Load + 1):F2} of a reference core (speed {best.Speed:F2}, {best.Cores} core(s), load {best.Load:F1})",
        };
    }

    private QueueList Queue()
    {
        var list = new QueueList();
        list.Jobs.AddRange(queue.InOrder().Select(e => new QueuedJob
        {
            Pid = (uint)e.Pid,
            Priority = e.Priority,
            Command = e.Command,
            QueuedUnixMs = (ulong)e.QueuedAt.ToUnixTimeMilliseconds(),
        }));
        return list;
    }

    private QueueChangeReply ChangeQueue(QueueChange change)
    {
        var (ok, message) = queue.Change((int)change.Pid, change.Action, change.Priority);
        return new QueueChangeReply { Ok = ok, Message = message };
    }

    private OwnerReply Command(OwnerCommand command)
    {
        var action = command.Action;
        var (ok, message) = action switch
        {
            OwnerAction.Priority when Shim.Security.NodeName.Problem(command.Node) is { } problem => (false, $"cngpri: {problem}"),
            OwnerAction.Priority => SetPriority(command.Node, command.Priority),
            OwnerAction.Block => node.SetBlocked(true) ? (true, "blocked: this node accepts no new guests") : (true, "already blocked"),
            OwnerAction.Unblock => node.Leaving ? (false, "the node is shutting down; it stays blocked")
                : node.SetBlocked(false) ? (true, "unblocked: this node accepts guests again") : (true, "not blocked"),
            OwnerAction.Expel => node.Expel() is var n && n == 0 ? (true, "no guests to expel") : (true, $"asked {n} guest(s) to leave"),
            OwnerAction.Shutdown => departure.Shutdown() is var g && g == 0
                ? (true, "leaving the cluster: no guests to wait for; mosixd stops now")
                : (true, $"leaving the cluster once {g} guest(s) have left; no new guests meanwhile"),
            _ => (false, $"unknown owner action {(int)action}"),
        };
        Log.OwnerCommand(logger, action.ToString().ToLowerInvariant(), message);
        return new OwnerReply { Ok = ok, Message = message, Status = Status() };
    }
}

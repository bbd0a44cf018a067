using System.CommandLine;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosctl;

/// <summary><c>mosctl block | unblock | expel | shutdown</c>: one owner command to the node's agent, and its answer.</summary>
internal sealed class OwnerVerb(string name, string description, OwnerAction action) : MosctlVerb
{
    public override Command Command { get; } = new(name, description);

    public override int Run(ParseResult parsed, StateDirectory state) => Send(state, new OwnerCommand { Action = action });

    /// <summary>Sends <paramref name="command"/> to the node's agent and prints its answer; mosctl's exit code.</summary>
    public static int Send(StateDirectory state, OwnerCommand command)
    {
        var reply = AgentCall.Ask(state, MessageKind.OwnerCommand, command, MessageKind.OwnerReply, OwnerReply.Parser);
        if (!reply.Ok)
            return Fail.With(MosctlCommand.Name, reply.Message, 1);
        Console.Out.WriteLine($"{reply.Status?.Node ?? "node"}: {reply.Message}");
        return 0;
    }
}

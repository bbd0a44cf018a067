using System.CommandLine;
using Mosix.Shim.Local;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosctl;

/// <summary>
/// <c>mosctl cngpri NODE PRIORITY</c>: the priority of guests from NODE on this node (lower is more
/// important; 50 unless said). When the owner's own work needs the node, the guests with the
/// highest number leave first. Symmetric sharing gives every node the same number; asymmetric
/// sharing favours some.
/// </summary>
internal sealed class CngpriVerb : MosctlVerb
{
    private readonly Argument<string> _node = new("node") { Description = "The node whose guests get the priority" };
    private readonly Argument<int> _priority = new("priority") { Description = "0-1000: lower is more important (default 50)" };

    public CngpriVerb() => Command = new Command("cngpri", "Set the priority of guests from a node (lower leave last)") { _node, _priority };

    public override Command Command { get; }

    public override int Run(ParseResult parsed, StateDirectory state)
    {
        string node = parsed.GetValue(_node)!;
        int priority = parsed.GetValue(_priority);
        if (priority is < 0 or > 1000)
            return Fail.With(MosctlCommand.Name, "cngpri: the priority must be between 0 and 1000", Fail.Usage);
        return OwnerVerb.Send(state, new OwnerCommand { Action = OwnerAction.Priority, Node = node, Priority = priority });
    }
}

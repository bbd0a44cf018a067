using System.CommandLine;
using System.CommandLine.Help;
using System.Security.Cryptography;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Cli.Mosctl;

/// <summary>
/// <c>mosctl VERB</c>: the owner's controls of a node (status, block, unblock, expel, shutdown, as
/// in MOSIX) and the cluster's credentials (init, add-node, import). One class per verb.
/// </summary>
internal static class MosctlCommand
{
    public const string Name = "mosctl";

    public static int Run(string[] args)
    {
        var help = new HelpOption("--help") { Recursive = true };
        var state = StateOption.Create();
        MosctlVerb[] verbs =
        [
            new StatusVerb(),
            new OwnerVerb("block", "Accept no new guests", Shim.Wire.Messages.OwnerAction.Block),
            new OwnerVerb("unblock", "Accept guests again", Shim.Wire.Messages.OwnerAction.Unblock),
            new OwnerVerb("expel", "Ask the guests on this node to leave", Shim.Wire.Messages.OwnerAction.Expel),
            new OwnerVerb("shutdown", "Leave the cluster once the guests have left, and stop the agent", Shim.Wire.Messages.OwnerAction.Shutdown),
            new CngpriVerb(),
            new InitVerb(),
            new AddNodeVerb(),
            new ImportVerb(),
        ];
        var root = new Command(Name, "Control this node's Mosix agent, and the cluster's credentials") { help, state };
        foreach (var verb in verbs)
            root.Subcommands.Add(verb.Command);

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(help) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
            return Fail.With(Name, $"{parsed.Errors[0].Message.TrimEnd('.')} (see '{Name} --help')", Fail.Usage);
        var chosen = verbs.FirstOrDefault(v => ReferenceEquals(v.Command, parsed.CommandResult.Command));
        if (chosen is null)
            return Fail.With(Name, $"which? {string.Join(" | ", verbs.Select(v => v.Command.Name))} (see '{Name} --help')", Fail.Usage);

        try
        {
            return chosen.Run(parsed, StateOption.Resolve(parsed, state));
        }
        catch (Exception e) when (e is AgentUnreachableException or CredentialException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            return Fail.With(Name, e.Message, 1);
        }
    }
}

/// <summary>One mosctl verb: its command-line shape and what it does.</summary>
internal abstract class MosctlVerb
{
    public abstract Command Command { get; }

    public abstract int Run(ParseResult parsed, StateDirectory state);
}

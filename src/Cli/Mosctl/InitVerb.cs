using System.CommandLine;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Cli.Mosctl;

/// <summary>
/// <c>mosctl init [--node NAME] [--cluster NAME]</c>: makes a new cluster: its CA (ECDSA P-256, the
/// key 0600 in STATE/tls) and this node's certificate signed by it.
/// </summary>
internal sealed class InitVerb : MosctlVerb
{
    private readonly Option<string?> _node = new("--node") { Description = "This node's name (default: the host name)", HelpName = "NAME" };
    private readonly Option<string?> _cluster = new("--cluster") { Description = "A name for the cluster, shown in its CA certificate (default: mosix)", HelpName = "NAME" };
    private readonly Option<bool> _force = new("--force") { Description = "Replace credentials that are already there (the old cluster's nodes will no longer trust this one)" };

    public InitVerb() => Command = new Command("init", "Create a new cluster: its certificate authority and this node's certificate") { _node, _cluster, _force };

    public override Command Command { get; }

    public override int Run(ParseResult parsed, StateDirectory state)
    {
        string node = parsed.GetValue(_node) ?? NodeName.OfThisMachine();
        string cluster = parsed.GetValue(_cluster) ?? "mosix";
        if (NodeName.Problem(node) is { } bad)
            return Fail.With(MosctlCommand.Name, bad, Fail.Usage);
        if (NodeName.Problem(cluster) is { } badCluster)
            return Fail.With(MosctlCommand.Name, badCluster.Replace("node name", "cluster name"), Fail.Usage);
        var files = new CredentialFiles(state.Ensure());
        if ((files.HasCa || files.HasNode) && !parsed.GetValue(_force))
            return Fail.With(MosctlCommand.Name, $"{state.TlsDirectory} already holds credentials (--force replaces them)", 1);
        StateDirectory.EnsurePrivate(state.TlsDirectory);

        using var ca = ClusterCa.Create(cluster);
        using var own = ClusterCa.Issue(ca, node);
        files.SaveCa(ca);
        files.SaveNode(own, ca);
        Console.Out.WriteLine($"new cluster '{cluster}': CA and node '{node}' in {state.TlsDirectory}");
        Console.Out.WriteLine($"add a node:  mosctl add-node NAME --out NAME.pem   (then on it: mosctl import NAME.pem)");
        return 0;
    }
}

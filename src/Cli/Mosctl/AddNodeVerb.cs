using System.CommandLine;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Cli.Mosctl;

/// <summary>
/// <c>mosctl add-node NAME [--out FILE]</c>: on the node that holds the CA, issues a certificate for
/// a new node and writes its bundle (CA certificate, node certificate, node key; 0600) for
/// <c>mosctl import</c> there.
/// </summary>
internal sealed class AddNodeVerb : MosctlVerb
{
    private readonly Argument<string> _name = new("name") { Description = "The new node's name" };
    private readonly Option<string?> _out = new("--out") { Description = "Where to write the bundle (default: NAME.pem here)", HelpName = "FILE" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite FILE if it exists" };

    public AddNodeVerb() => Command = new Command("add-node", "Issue a certificate for a new node, signed by this node's cluster CA") { _name, _out, _force };

    public override Command Command { get; }

    public override int Run(ParseResult parsed, StateDirectory state)
    {
        string name = parsed.GetValue(_name)!;
        if (NodeName.Problem(name) is { } bad)
            return Fail.With(MosctlCommand.Name, bad, Fail.Usage);
        string output = Path.GetFullPath(parsed.GetValue(_out) ?? $"{name}.pem");
        if (File.Exists(output) && !parsed.GetValue(_force))
            return Fail.With(MosctlCommand.Name, $"{output} exists (--force overwrites it)", 1);

        using var ca = new CredentialFiles(state).LoadCa();
        using var node = ClusterCa.Issue(ca, name);
        CredentialFiles.WritePrivate(output, CredentialBundle.Write(node, ca));
        Console.Out.WriteLine($"node '{name}': credentials in {output} (keep it secret; on that node: mosctl import {Path.GetFileName(output)})");
        return 0;
    }
}

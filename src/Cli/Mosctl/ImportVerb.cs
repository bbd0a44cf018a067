using System.CommandLine;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Cli.Mosctl;

/// <summary><c>mosctl import FILE</c>: installs a bundle from <c>mosctl add-node</c> as this node's credentials.</summary>
internal sealed class ImportVerb : MosctlVerb
{
    private readonly Argument<string> _file = new("file") { Description = "The bundle mosctl add-node wrote" };
    private readonly Option<bool> _force = new("--force") { Description = "Replace credentials that are already there" };

    public ImportVerb() => Command = new Command("import", "Install node credentials made by 'mosctl add-node' on the CA's node") { _file, _force };

    public override Command Command { get; }

    public override int Run(ParseResult parsed, StateDirectory state)
    {
        string file = parsed.GetValue(_file)!;
        var bundle = CredentialBundle.Read(File.ReadAllText(file));
        var files = new CredentialFiles(state.Ensure());
        if (files.HasCa)
        {
            using var ownCa = files.LoadCa();
            if (!ownCa.RawDataMemory.Span.SequenceEqual(bundle.Ca.RawDataMemory.Span))
                return Fail.With(MosctlCommand.Name, $"{state.TlsDirectory} holds the CA of another cluster; import into another state folder", 1);
        }
        else if (files.HasNode && !parsed.GetValue(_force))
        {
            return Fail.With(MosctlCommand.Name, $"{state.TlsDirectory} already holds credentials (--force replaces them)", 1);
        }
        StateDirectory.EnsurePrivate(state.TlsDirectory);
        files.SaveNode(bundle.Node, bundle.Ca);
        Console.Out.WriteLine($"node '{bundle.NodeName}': credentials installed in {state.TlsDirectory}; (re)start mosixd to use them");
        return 0;
    }
}

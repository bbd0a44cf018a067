using System.Security.Cryptography.X509Certificates;

namespace Mosix.Shim.Security;

/// <summary>What a node proves itself with (its certificate and key) and whom it trusts (the cluster CA).</summary>
public sealed class NodeCredentials(X509Certificate2 node, X509Certificate2 ca)
{
    public X509Certificate2 Node { get; } = node;

    public X509Certificate2 Ca { get; } = ca;

    /// <summary>The node name the certificate speaks for.</summary>
    public string NodeName => ClusterCa.NodeNameOf(Node);
}

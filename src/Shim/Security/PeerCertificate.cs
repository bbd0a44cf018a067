using System.Security.Cryptography.X509Certificates;

namespace Mosix.Shim.Security;

/// <summary>Decides whether a certificate a peer presented makes it a member of our cluster.</summary>
/// <remarks>
/// The system's trust store plays no part: the only root is the cluster CA (custom root trust), and
/// revocation is not checked (a cluster replaces its CA to throw a node out; docs/agent.md).
/// </remarks>
public sealed class PeerCertificate(X509Certificate2 clusterCa)
{
    /// <summary>The peer's node name when <paramref name="presented"/> chains to the cluster CA; else null and why.</summary>
    public string? Verify(X509Certificate? presented, out string? problem)
    {
        if (presented is null)
        {
            problem = "no certificate presented";
            return null;
        }
        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(clusterCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(certificate))
        {
            string status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            problem = $"certificate '{certificate.Subject}' is not signed by this cluster's CA ({(status.Length > 0 ? status : "untrusted")})";
            return null;
        }
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(clusterCa.RawDataMemory.Span))
        {
            problem = $"certificate '{certificate.Subject}' chains to '{root.Subject}', not this cluster's CA";
            return null;
        }
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority))
        {
            problem = $"'{certificate.Subject}' is a CA certificate, not a node's";
            return null;
        }
        string name = ClusterCa.NodeNameOf(certificate);
        if (NodeName.Problem(name) is { } bad)
        {
            problem = $"certificate names no valid node: {bad}";
            return null;
        }
        problem = null;
        return name;
    }
}

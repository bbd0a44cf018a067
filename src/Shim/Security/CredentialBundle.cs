using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mosix.Shim.Security;

/// <summary>
/// What <c>mosctl add-node</c> hands to a new node and <c>mosctl import</c> installs there: one PEM
/// file with the CA certificate, the node certificate and the node's private key (0600).
/// </summary>
public static class CredentialBundle
{
    public static string Write(X509Certificate2 node, X509Certificate2 ca)
    {
        var text = new StringBuilder();
        text.Append("# Mosix node credentials for '").Append(ClusterCa.NodeNameOf(node)).Append("': install with mosctl import FILE\n");
        text.Append(ca.ExportCertificatePem()).Append('\n');
        text.Append(node.ExportCertificatePem()).Append('\n');
        text.Append(CredentialFiles.ExportKey(node));
        return text.ToString();
    }

    /// <summary>Reads a bundle back: the node certificate (with its key) and the CA.</summary>
    /// <exception cref="CredentialException">Not a bundle, or its parts do not fit together.</exception>
    public static NodeCredentials Read(string pem)
    {
        var certificates = new List<X509Certificate2>();
        string? key = null;
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            var block = rest[fields.Location].ToString();
            if (label.SequenceEqual("CERTIFICATE"))
                certificates.Add(X509Certificate2.CreateFromPem(block));
            else if (label.SequenceEqual("PRIVATE KEY"))
                key = block;
            rest = rest[fields.Location.End..];
        }
        var ca = certificates.FirstOrDefault(IsAuthority);
        var node = certificates.FirstOrDefault(c => !IsAuthority(c));
        if (ca is null || node is null || key is null)
            throw new CredentialException("not a credential bundle: it needs the CA certificate, a node certificate and its private key");
        X509Certificate2 withKey;
        try
        {
            withKey = X509Certificate2.CreateFromPem(node.ExportCertificatePem(), key);
        }
        catch (CryptographicException e)
        {
            throw new CredentialException($"the bundle's key does not belong to its certificate: {e.Message}");
        }
        if (new PeerCertificate(ca).Verify(withKey, out string? problem) is null)
            throw new CredentialException(problem!);
        return new NodeCredentials(withKey, ca);
    }

    private static bool IsAuthority(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);
}

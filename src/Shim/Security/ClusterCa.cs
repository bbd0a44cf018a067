using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mosix.Shim.Security;

/// <summary>
/// The cluster's certificate authority: one ECDSA P-256 key that signs every node's certificate.
/// A peer is a member exactly when its certificate chains to this CA (docs/protocol.md, "Trust").
/// </summary>
/// <remarks>
/// Nodes are told apart by their certificate's common name, which is the node name. Host names and
/// addresses are not checked: agents are reached by address, and several share one machine.
/// </remarks>
public static class ClusterCa
{
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(825);

    /// <summary>Object ids of the extended key usages a node certificate carries: TLS server and client.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>A new self-signed CA, with its private key.</summary>
    public static X509Certificate2 Create(string clusterName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(clusterName)}, O=Mosix cluster CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
    }

    /// <summary>A certificate for node <paramref name="nodeName"/>, signed by <paramref name="ca"/>, with its new private key.</summary>
    /// <param name="ca">The CA certificate with its private key.</param>
    public static X509Certificate2 Issue(X509Certificate2 ca, string nodeName)
    {
        using var caKey = ca.GetECDsaPrivateKey() ?? throw new CryptographicException("the CA certificate has no private key here");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(nodeName)}, O=Mosix node"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new(ServerAuth), new(ClientAuth)], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        request.CertificateExtensions.Add(san.Build());

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + NodeLifetime < ca.NotAfter ? now + NodeLifetime : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number (RFC 5280, 4.1.2.2)
        using var signed = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), notAfter, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The node name a certificate speaks for: its common name.</summary>
    public static string NodeNameOf(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>Quotes a name for a distinguished name when it holds separators.</summary>
    private static string Escape(string name) =>
        name.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) >= 0 ? "\"" + name.Replace("\"", "\\\"") + "\"" : name;
}

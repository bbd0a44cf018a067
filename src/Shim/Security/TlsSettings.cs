using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mosix.Shim.Security;

/// <summary>
/// TLS for links: 1.3 only, both sides present a node certificate and both check the other's
/// against the cluster CA (mutual authentication). What the peer proved is kept for the caller.
/// </summary>
public sealed class TlsSettings(NodeCredentials credentials)
{
    private readonly PeerCertificate _verifier = new(credentials.Ca);
    private readonly SslStreamCertificateContext _own = SslStreamCertificateContext.Create(credentials.Node, [credentials.Ca], offline: true);

    public const string ApplicationProtocol = "mosix/1";

    public SslServerAuthenticationOptions ForListener(PeerProof proof) => new()
    {
        ServerCertificateContext = _own,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = [new SslApplicationProtocol(ApplicationProtocol)],
        RemoteCertificateValidationCallback = (_, certificate, _, _) => proof.Record(_verifier, certificate),
    };

    public SslClientAuthenticationOptions ForDialer(PeerProof proof) => new()
    {
        TargetHost = "mosix",
        ClientCertificateContext = _own,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ApplicationProtocols = [new SslApplicationProtocol(ApplicationProtocol)],
        RemoteCertificateValidationCallback = (_, certificate, _, _) => proof.Record(_verifier, certificate),
    };
}

/// <summary>What the peer's certificate proved during one handshake: its node name, or why it proved nothing.</summary>
public sealed class PeerProof
{
    public string? NodeName { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>True once the peer's certificate (or its absence) was judged.</summary>
    public bool Checked { get; private set; }

    /// <summary>The TLS validation callback: our verdict replaces the platform's (which knows no cluster CA).</summary>
    internal bool Record(PeerCertificate verifier, X509Certificate? certificate)
    {
        NodeName = verifier.Verify(certificate, out string? problem);
        Problem = problem;
        Checked = true;
        return NodeName is not null;
    }
}

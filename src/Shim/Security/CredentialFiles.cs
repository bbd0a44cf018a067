using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mosix.Shim.Local;

namespace Mosix.Shim.Security;

/// <summary>The PEM files of a state folder's <c>tls/</c>: the CA certificate (and key, on the CA's home), the node's.</summary>
/// <remarks>Private keys are written 0600 from the moment they exist (never chmod'ed after), in a 0700 folder.</remarks>
public sealed class CredentialFiles(StateDirectory state)
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string CaCertificate => Path.Combine(state.TlsDirectory, "ca.crt");

    public string CaKey => Path.Combine(state.TlsDirectory, "ca.key");

    public string NodeCertificate => Path.Combine(state.TlsDirectory, "node.crt");

    public string NodeKey => Path.Combine(state.TlsDirectory, "node.key");

    public bool HasCa => File.Exists(CaKey);

    public bool HasNode => File.Exists(NodeCertificate) || File.Exists(NodeKey) || File.Exists(CaCertificate);

    /// <summary>The CA certificate with its private key (for issuing), as <c>mosctl init</c> left it.</summary>
    public X509Certificate2 LoadCa()
    {
        if (!File.Exists(CaKey))
            throw new CredentialException($"{state.Path} holds no cluster CA key (run 'mosctl init' there, or use the state folder where it ran)");
        return Load(() => X509Certificate2.CreateFromPemFile(CaCertificate, CaKey), CaCertificate);
    }

    /// <summary>This node's credentials, or null when the folder has none at all (a one-node cluster).</summary>
    /// <exception cref="CredentialException">Some files exist but not all, or they do not fit together.</exception>
    public NodeCredentials? LoadNode()
    {
        if (!HasNode)
            return null;
        foreach (string file in new[] { CaCertificate, NodeCertificate, NodeKey })
        {
            if (!File.Exists(file))
                throw new CredentialException($"{file} is missing (credentials are incomplete: run 'mosctl init' or 'mosctl import')");
        }
        RequirePrivate(NodeKey);
        var ca = Load(() => X509CertificateLoader.LoadCertificateFromFile(CaCertificate), CaCertificate);
        var node = Load(() => X509Certificate2.CreateFromPemFile(NodeCertificate, NodeKey), NodeCertificate);
        var credentials = new NodeCredentials(node, ca);
        if (new PeerCertificate(ca).Verify(node, out string? problem) is null)
            throw new CredentialException($"{NodeCertificate}: {problem}");
        return credentials;
    }

    public void SaveCa(X509Certificate2 ca)
    {
        Directory.CreateDirectory(state.TlsDirectory);
        WritePrivate(CaKey, ExportKey(ca));
        File.WriteAllText(CaCertificate, ca.ExportCertificatePem() + "\n");
    }

    /// <summary>Installs a node certificate (with key) and the CA to trust, replacing what was there.</summary>
    public void SaveNode(X509Certificate2 node, X509Certificate2 ca)
    {
        Directory.CreateDirectory(state.TlsDirectory);
        WritePrivate(NodeKey, ExportKey(node));
        File.WriteAllText(NodeCertificate, node.ExportCertificatePem() + "\n");
        if (!File.Exists(CaKey))
            File.WriteAllText(CaCertificate, ca.ExportCertificatePem() + "\n");
    }

    public static string ExportKey(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new CredentialException($"'{certificate.Subject}' has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Writes a file that is 0600 from its creation on; replaces an existing one.</summary>
    public static void WritePrivate(string path, string contents)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerReadWrite };
        using var writer = new StreamWriter(path, options);
        writer.Write(contents);
    }

    private static void RequirePrivate(string path)
    {
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
            throw new CredentialException($"{path} is readable by others (mode {Convert.ToString((int)mode, 8)}); make it 0600");
    }

    private static X509Certificate2 Load(Func<X509Certificate2> load, string file)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new CredentialException($"{file}: {e.Message.TrimEnd('.')}");
        }
    }
}

using System.Security.Cryptography.X509Certificates;
using Mosix.Shim.Local;
using Mosix.Shim.Security;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

[TestFixture]
public sealed class CredentialTests
{
    [Test]
    public void A_node_certificate_of_the_cluster_ca_is_a_member_and_names_its_node()
    {
        using var ca = ClusterCa.Create("test");
        using var node = ClusterCa.Issue(ca, "node7");
        Assert.That(new PeerCertificate(ca).Verify(node, out string? problem), Is.EqualTo("node7"), problem);
    }

    [Test]
    public void Another_clusters_certificate_is_not()
    {
        using var ca = ClusterCa.Create("ours");
        using var other = ClusterCa.Create("theirs");
        using var stranger = ClusterCa.Issue(other, "node7");
        Assert.That(new PeerCertificate(ca).Verify(stranger, out string? problem), Is.Null);
        Assert.That(problem, Does.Contain("not signed by this cluster's CA"));
        Assert.That(new PeerCertificate(ca).Verify(null, out problem), Is.Null);
        Assert.That(problem, Does.Contain("no certificate"));
    }

    [Test]
    public void The_ca_certificate_itself_is_no_node()
    {
        using var ca = ClusterCa.Create("ours");
        Assert.That(new PeerCertificate(ca).Verify(ca, out string? problem), Is.Null);
        Assert.That(problem, Does.Contain("CA certificate"));
    }

    [Test]
    public void Credentials_go_to_files_with_private_keys_0600_and_come_back_through_a_bundle()
    {
        string folder = Directory.CreateTempSubdirectory("mosix-test-tls-").FullName;
        try
        {
            var state = new StateDirectory(Path.Combine(folder, "state")).Ensure();
            var files = new CredentialFiles(state);
            Directory.CreateDirectory(state.TlsDirectory);
            using var ca = ClusterCa.Create("test");
            using var own = ClusterCa.Issue(ca, "node1");
            files.SaveCa(ca);
            files.SaveNode(own, ca);
            Assert.That(File.GetUnixFileMode(files.CaKey), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(files.NodeKey), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(files.LoadNode()!.NodeName, Is.EqualTo("node1"));

            using var issuer = files.LoadCa();
            using var second = ClusterCa.Issue(issuer, "node2");
            var bundle = CredentialBundle.Read(CredentialBundle.Write(second, issuer));
            Assert.That(bundle.NodeName, Is.EqualTo("node2"));
            Assert.That(bundle.Node.HasPrivateKey);
            Assert.That(bundle.Ca.Thumbprint, Is.EqualTo(ca.Thumbprint));

            File.SetUnixFileMode(files.NodeKey, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            Assert.That(() => files.LoadNode(), Throws.TypeOf<CredentialException>().With.Message.Contains("readable by others"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void A_bundle_missing_its_key_is_refused()
    {
        using var ca = ClusterCa.Create("test");
        using var node = ClusterCa.Issue(ca, "node2");
        string pem = ca.ExportCertificatePem() + "\n" + node.ExportCertificatePem();
        Assert.That(() => CredentialBundle.Read(pem), Throws.TypeOf<CredentialException>());
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Mosix.Shim.Security;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Links;

public sealed partial class Link
{
    /// <summary>Who this agent is in handshakes.</summary>
    public sealed record LocalIdentity(string Node, string Endpoint, TlsSettings Tls);

    /// <summary>Connects to <paramref name="endpoint"/>, proves who we are, checks who they are, says Hello.</summary>
    /// <exception cref="RefusedException">The peer answered with a Refusal.</exception>
    /// <exception cref="LinkException">Anything else that stops the link: unreachable, TLS, a bad answer.</exception>
    public static async Task<Link> DialAsync(string host, int port, LocalIdentity self, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var proof = new PeerProof();
        SslStream? tls = null;
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token);
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(self.Tls.ForDialer(proof), deadline.Token);
            var frames = new FrameStream(tls);
            await frames.WriteAsync(MessageKind.Hello, new Hello
            {
                ProtocolVersion = ProtocolVersion.Current,
                Features = (ulong)ProtocolVersion.Supported,
                Node = self.Node,
                Endpoint = self.Endpoint,
                MaxFrame = Frame.DefaultMaxPayload,
            }, deadline.Token);
            var welcome = (await frames.ExpectAsync(MessageKind.Welcome, deadline.Token)).Read(Welcome.Parser);
            if (!ProtocolVersion.IsSupported(welcome.ProtocolVersion))
                throw new LinkException($"it speaks protocol {welcome.ProtocolVersion}, this agent {ProtocolVersion.Oldest}-{ProtocolVersion.Current}");
            if (welcome.Node != proof.NodeName)
                throw new LinkException($"its welcome names '{welcome.Node}' but its certificate '{proof.NodeName}'");
            if (welcome.Node == self.Node)
                throw new LinkException("it is this node itself");
            var link = new Link(frames, proof.NodeName!, $"{host}:{port}", (Features)welcome.Features & ProtocolVersion.Supported, (socket.LocalEndPoint as IPEndPoint)?.Address);
            tls = null; // the link owns it now
            return link;
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException or FrameException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            string why = e switch
            {
                OperationCanceledException => $"no answer within {timeout.TotalSeconds:0} s",
                System.Security.Authentication.AuthenticationException when proof is { Checked: true, NodeName: null } => $"it is not a member of this cluster: {proof.Problem}",
                System.Security.Authentication.AuthenticationException => $"TLS failed: {Innermost(e)}",
                IOException when proof.NodeName is not null => "it closed the connection (does it trust our certificate?)",
                _ => Innermost(e),
            };
            throw new LinkException(why);
        }
        finally
        {
            if (tls is not null)
                await tls.DisposeAsync();
            else if (!socket.Connected)
                socket.Dispose();
        }
    }

    /// <summary>Serves the listener side of a new connection: TLS (client certificate required), Hello, Welcome.</summary>
    /// <exception cref="LinkException">The peer is not a member, or broke the handshake; the message says why, for the log.</exception>
    public static async Task<Link> AcceptAsync(Socket socket, LocalIdentity self, TimeSpan timeout, CancellationToken cancel)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(timeout);
        string remote = (socket.RemoteEndPoint as IPEndPoint)?.ToString() ?? "?";
        var local = (socket.LocalEndPoint as IPEndPoint)?.Address;
        var proof = new PeerProof();
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        var frames = new FrameStream(tls);
        try
        {
            await tls.AuthenticateAsServerAsync(self.Tls.ForListener(proof), deadline.Token);
            var hello = (await frames.ExpectAsync(MessageKind.Hello, deadline.Token)).Read(Hello.Parser);
            string? refusal = !ProtocolVersion.IsSupported(hello.ProtocolVersion) ? $"protocol {hello.ProtocolVersion} is not spoken here ({ProtocolVersion.Oldest}-{ProtocolVersion.Current})"
                : hello.Node != proof.NodeName ? $"hello names '{hello.Node}' but the certificate '{proof.NodeName}'"
                : hello.Node == self.Node ? $"'{hello.Node}' is this node's own name"
                : null;
            if (refusal is not null)
            {
                await frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = refusal }, deadline.Token);
                throw new LinkException(refusal);
            }
            await frames.WriteAsync(MessageKind.Welcome, new Welcome
            {
                ProtocolVersion = ProtocolVersion.Current,
                Features = (ulong)ProtocolVersion.Supported,
                Node = self.Node,
                MaxFrame = Frame.DefaultMaxPayload,
            }, deadline.Token);
            return new Link(frames, proof.NodeName!, remote, (Features)hello.Features & ProtocolVersion.Supported, local);
        }
        catch (Exception e) when (e is not LinkException)
        {
            await frames.DisposeAsync();
            if (cancel.IsCancellationRequested)
                throw;
            string why = e switch
            {
                OperationCanceledException => $"no handshake within {timeout.TotalSeconds:0} s",
                System.Security.Authentication.AuthenticationException when proof is { Checked: true, NodeName: null } => $"not a member of this cluster: {proof.Problem}",
                System.Security.Authentication.AuthenticationException => $"TLS handshake failed: {Innermost(e)}",
                _ => Innermost(e),
            };
            throw new LinkException(why);
        }
        catch (LinkException)
        {
            await frames.DisposeAsync();
            throw;
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e.Message.TrimEnd('.');
    }
}

using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;
using Mosix.Agent.Node;
using Mosix.Shim.Security;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Migration;

/// <summary>
/// The home agent's part of a migration: a local mosrun's GuestOffer names a node; this agent
/// dials that node's agent on a new authenticated link and passes the offer on with a fresh
/// channel key. Once the target accepts, the mosrun gets the key and the guest host's address and
/// dials it itself: this agent's part ends there (the process's bytes never pass through agents).
/// </summary>
public sealed class GuestRouting(AgentOptions options, Dissemination dissemination, IServiceProvider services, ILogger<GuestRouting> logger)
{
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Answers <paramref name="control"/>'s offer: an error, or GuestAccepted with the channel's key.</summary>
    public async Task RouteAsync(FrameStream control, GuestOffer offer, CancellationToken stop)
    {
        if (services.GetService(typeof(Link.LocalIdentity)) is not Link.LocalIdentity self)
        {
            await ErrorAsync(control, "this node has no cluster credentials: processes cannot leave it (see mosctl init/import)", stop);
            return;
        }
        if (Resolve(offer.Node) is not { } target)
        {
            await ErrorAsync(control, offer.Node == options.Name ? $"'{offer.Node}' is this node" : $"no node '{offer.Node}' is known to this node's agent (see mosmon)", stop);
            return;
        }
        Link link;
        try
        {
            link = await Link.DialAsync(target.Host, target.Port, self, DialTimeout, stop);
        }
        catch (Exception e) when (e is LinkException or RefusedException)
        {
            await ErrorAsync(control, $"cannot reach {offer.Node}: {e.Message}", stop);
            return;
        }
        await using (link)
        {
            // A node asked for by name must be that node: gossip is any member's word, so a vector
            // for X relayed with another member's endpoint would otherwise hand it X's processes.
            // Its certificate proves the name (HOST:PORT asks for whoever answers there).
            if (target.ByName && link.PeerNode != offer.Node)
            {
                Log.GuestRouteImpostor(logger, offer.Node, link.PeerNode, $"{target.Host}:{target.Port}");
                await ErrorAsync(control, $"the agent at {target.Host}:{target.Port} is {link.PeerNode}, not {offer.Node} (gossip named a wrong endpoint for it)", stop);
                return;
            }
            byte[] key = RandomNumberGenerator.GetBytes(SealedStream.KeySize);
            try
            {
                await link.Frames.WriteAsync(MessageKind.GuestOffer, new GuestOffer
                {
                    HomeNode = options.Name,
                    HomePid = offer.HomePid,
                    Command = offer.Command,
                    MemoryBytes = offer.MemoryBytes,
                    ChannelKey = ByteString.CopyFrom(key),
                    HomeUser = Environment.UserName, // the agent answers its own user only: the process's
                }, stop);
                var accepted = (await link.Frames.ExpectAsync(MessageKind.GuestAccepted, stop)).Read(GuestAccepted.Parser);
                accepted.ChannelKey = ByteString.CopyFrom(key);
                accepted.Node = link.PeerNode; // the name its certificate proves, not the one it says
                await control.WriteAsync(MessageKind.GuestAccepted, accepted, stop);
                Log.GuestRouted(logger, offer.HomePid, offer.Command, link.PeerNode);
            }
            catch (RefusedException e)
            {
                await ErrorAsync(control, $"{link.PeerNode} refused the process: {e.Message}", stop);
            }
            catch (Exception e) when (e is FrameException or IOException)
            {
                await ErrorAsync(control, $"lost {link.PeerNode} while it considered the offer: {e.Message}", stop);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>A node name from the gossip window (<c>ByName</c>), or HOST:PORT of an agent.</summary>
    private (string Host, int Port, bool ByName)? Resolve(string node)
    {
        if (node.Length == 0 || node == options.Name)
            return null;
        string? endpoint = dissemination.Snapshot().Nodes.Where(n => n.Vector.Node == node).Select(n => n.Vector.Endpoint).FirstOrDefault();
        bool byName = endpoint is not null;
        endpoint ??= node.Contains(':') ? node : null;
        return endpoint is not null && NetworkEndpoint.Parse(endpoint, out _) is { } parsed ? (parsed.Host, parsed.Port, byName) : null;
    }

    private static async Task ErrorAsync(FrameStream control, string message, CancellationToken stop)
    {
        try
        {
            await control.WriteAsync(MessageKind.ControlError, new ControlError { Message = message }, stop);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The mosrun went away; nothing to tell.
        }
    }
}

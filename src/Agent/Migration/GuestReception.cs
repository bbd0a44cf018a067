using System.Diagnostics;
using System.Net;
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
/// The target agent's part of a migration: a GuestOffer on an incoming link is admitted (or
/// refused: blocked, full, leaving), a guest host (<c>mosix guest</c>) is started as this agent's
/// user with the channel's key on its stdin, and home is told where the guest host listens. The
/// agent then only watches: the process's bytes go between home and guest host directly.
/// </summary>
/// <remarks>
/// The agent itself traces nothing: the guest host is its own process, so a crashing guest never
/// takes the agent down, and the agent's runtime never owns a tracer thread. The guest host's
/// stdin stays open while the agent lives: its end (this agent stopping, or dying) sends the
/// process home, so guests leave before their node does.
/// </remarks>
public sealed class GuestReception
{
    private readonly AgentOptions options;
    private readonly NodeState node;
    private readonly ILogger<GuestReception> logger;

    /// <summary>The guest hosts now running, by pid: the pipe that tells one to leave, its home, since when.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, HostedGuest> _guests = new();

    /// <summary>The guests here now, by their guest host's pid.</summary>
    public IReadOnlyList<HostedGuest> Guests => [.. _guests.Values];

    public GuestReception(AgentOptions options, NodeState node, ILogger<GuestReception> logger)
    {
        this.options = options;
        this.node = node;
        this.logger = logger;
        node.GuestsAskedToLeave += reason => _ = AskAllToLeaveAsync(reason);
    }

    /// <summary>How long a new guest host may take to say where it listens.</summary>
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(10);

    /// <summary>How long a guest host may take to send its process home once told to leave.</summary>
    private static readonly TimeSpan LeavePatience = TimeSpan.FromSeconds(60);

    /// <summary>The guest host program, beside mosixd in bin/.</summary>
    public static string GuestHostPath => Path.Combine(AppContext.BaseDirectory, "mosix");

    public async Task ServeAsync(Link link, GuestOffer offer, CancellationToken stop)
    {
        string home = link.PeerNode;
        string? refusal = options.GuestsFrom is { } nodes && !nodes.Contains(home) ? $"{options.Name} takes no guests from {home} (its owner's guestsFrom)"
            : options.GuestUsers is { } users && !users.Contains(offer.HomeUser) ? $"{options.Name} takes no guests of user '{offer.HomeUser}' (its owner's guestUsers)"
            : null;
        if (refusal is not null)
        {
            Log.GuestRefused(logger, home, refusal);
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = refusal }, stop);
            return;
        }
        if (node.Leaving || !node.TryAdmitGuest(options.MaxGuests ?? Environment.ProcessorCount * 4))
        {
            string reason = node.Leaving ? $"{options.Name} is leaving the cluster" : node.Blocked ? $"{options.Name} accepts no guests now (mosctl block)" : $"{options.Name} has all the guests it takes";
            Log.GuestRefused(logger, home, reason);
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = reason }, stop);
            return;
        }
        if (offer.ChannelKey.Length != SealedStream.KeySize || link.LocalAddress is not { } address)
        {
            node.GuestLeft();
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = "the offer carries no usable channel key" }, stop);
            return;
        }
        Process guest;
        try
        {
            guest = StartGuestHost(home, offer);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            node.GuestLeft();
            string reason = $"{options.Name} cannot start a guest host: {e.Message}";
            Log.GuestRefused(logger, home, reason);
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = reason }, stop);
            return;
        }
        using (guest)
        {
            try
            {
                var (port, pipe) = await StartChannelAsync(guest, offer, address, home, stop);
                _guests[guest.Id] = new HostedGuest(guest.Id, home, DateTimeOffset.UtcNow, pipe);
                Log.GuestAccepted(logger, home, offer.HomePid, offer.Command, guest.Id);
                await link.Frames.WriteAsync(MessageKind.GuestAccepted, new GuestAccepted
                {
                    Node = options.Name,
                    GuestPid = (uint)guest.Id,
                    Channel = new IPEndPoint(address, port).ToString(),
                }, stop);
                await guest.WaitForExitAsync(stop);
            }
            catch (Exception e) when (e is FrameException or IOException or TimeoutException)
            {
                string reason = $"{options.Name}'s guest host did not start: {e.Message}";
                Log.GuestRefused(logger, home, reason);
                await TryRefuseAsync(link, reason, stop);
            }
            catch (OperationCanceledException)
            {
                // The agent is stopping: closing the guest host's stdin below sends the process home.
            }
            finally
            {
                _guests.TryRemove(guest.Id, out _);
                await EndAsync(guest);
                node.GuestLeft();
                Log.GuestLeft(logger, home, offer.HomePid, guest.HasExited ? guest.ExitCode : -1);
            }
        }
    }

    /// <summary>Gives the guest host the key and the address; its answer is the port it listens on.</summary>
    private static async Task<(int Port, FrameStream Pipe)> StartChannelAsync(Process guest, GuestOffer offer, IPAddress address, string home, CancellationToken stop)
    {
        var pipe = new FrameStream(new DuplexStream(guest.StandardOutput.BaseStream, guest.StandardInput.BaseStream));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(stop);
        patience.CancelAfter(StartPatience);
        try
        {
            await pipe.WriteAsync(MessageKind.GuestStart, new GuestStart
            {
                ChannelKey = offer.ChannelKey,
                ListenAddress = address.ToString(),
                HomeNode = home,
            }, patience.Token);
            var listening = (await pipe.ExpectAsync(MessageKind.GuestListening, patience.Token)).Read(GuestListening.Parser);
            return listening.Port is > 0 and <= 65535 ? ((int)listening.Port, pipe) : throw new FrameException($"it announced port {listening.Port}");
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            throw new TimeoutException($"no port within {StartPatience.TotalSeconds:0} s");
        }
    }

    /// <summary>mosctl expel or shutdown: every guest host sends its process home.</summary>
    private async Task AskAllToLeaveAsync(string reason)
    {
        foreach (var guest in _guests.Values)
            await AskToLeaveAsync(guest, reason);
    }

    /// <summary>One guest host sends its process home (the owner's work needs the node, say).</summary>
    public async Task AskToLeaveAsync(HostedGuest guest, string reason)
    {
        try
        {
            await guest.Pipe.WriteAsync(MessageKind.GuestLeave, new GuestLeave { Reason = reason }, CancellationToken.None);
            Log.GuestAskedToLeave(logger, guest.HostPid, reason);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // It is ending anyway.
        }
    }

    private static async Task TryRefuseAsync(Link link, string reason, CancellationToken stop)
    {
        try
        {
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = reason }, stop);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Home is gone too.
        }
    }

    private Process StartGuestHost(string home, GuestOffer offer)
    {
        var start = new ProcessStartInfo(GuestHostPath)
        {
            ArgumentList = { "guest" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Nothing of this node's file system is the guest's: not even a working directory.
            WorkingDirectory = "/",
        };
        start.Environment["MOSIX_GUEST_OF"] = $"{home}:{offer.HomePid}";
        var guest = Process.Start(start) ?? throw new InvalidOperationException("no process started");
        int pid = guest.Id;
        guest.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } text)
                Log.GuestSaid(logger, pid, text);
        };
        guest.BeginErrorReadLine();
        return guest;
    }

    /// <summary>Closes the guest host's stdin (leave now) and waits for it to send its process home and end.</summary>
    private static async Task EndAsync(Process guest)
    {
        if (!guest.HasExited)
            guest.StandardInput.Close();
        using var patience = new CancellationTokenSource(LeavePatience);
        try
        {
            await guest.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            guest.Kill(entireProcessTree: true); // its incarnation dies with it (PTRACE_O_EXITKILL)
            await guest.WaitForExitAsync(CancellationToken.None);
        }
    }
}

/// <summary>A guest on this node: its guest host's pid, the node it comes from, since when, and the pipe that tells it to leave.</summary>
public sealed record HostedGuest(int HostPid, string Home, DateTimeOffset Since, FrameStream Pipe);

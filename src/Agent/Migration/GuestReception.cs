using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;
using Mosix.Agent.Node;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Agent.Migration;

/// <summary>
/// The target agent's part of a migration: a GuestOffer on an incoming link is admitted (or
/// refused: blocked, full, leaving), a guest host (<c>mosix guest</c>) is started as this agent's
/// user, and bytes are relayed between the link and the guest's stdin and stdout until either ends.
/// </summary>
/// <remarks>
/// The agent itself traces nothing: the guest host is its own process, so a crashing guest never
/// takes the agent down, and the agent's runtime never owns a tracer thread.
/// </remarks>
public sealed class GuestReception(AgentOptions options, NodeState node, ILogger<GuestReception> logger)
{
    /// <summary>How long a guest host may take to end once its link is gone.</summary>
    private static readonly TimeSpan EndPatience = TimeSpan.FromSeconds(5);

    /// <summary>The guest host program, beside mosixd in bin/.</summary>
    public static string GuestHostPath => Path.Combine(AppContext.BaseDirectory, "mosix");

    public async Task ServeAsync(Link link, GuestOffer offer, CancellationToken stop)
    {
        string home = link.PeerNode;
        if (node.Leaving || !node.TryAdmitGuest(options.MaxGuests ?? Environment.ProcessorCount * 4))
        {
            string reason = node.Leaving ? $"{options.Name} is leaving the cluster" : node.Blocked ? $"{options.Name} accepts no guests now (mosctl block)" : $"{options.Name} has all the guests it takes";
            Log.GuestRefused(logger, home, reason);
            await link.Frames.WriteAsync(MessageKind.Refusal, new Refusal { Reason = reason }, stop);
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
                Log.GuestAccepted(logger, home, offer.HomePid, offer.Command, guest.Id);
                await link.Frames.WriteAsync(MessageKind.GuestAccepted, new GuestAccepted { Node = options.Name, GuestPid = (uint)guest.Id }, stop);
                await ByteRelay.RunAsync(link.Frames.Stream, new DuplexStream(guest.StandardOutput.BaseStream, guest.StandardInput.BaseStream), stop);
            }
            finally
            {
                await EndAsync(guest);
                node.GuestLeft();
                Log.GuestLeft(logger, home, offer.HomePid, guest.HasExited ? guest.ExitCode : -1);
            }
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

    private static async Task EndAsync(Process guest)
    {
        using var patience = new CancellationTokenSource(EndPatience);
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

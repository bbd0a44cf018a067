using System.Runtime.InteropServices;
using Mosix.Migrator.Migration;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Local;
using Mosix.Shim.Wire;

namespace Mosix.Cli.Guest;

/// <summary>
/// <c>mosix guest</c>: the guest host a target node's agent starts for each process that migrates
/// to it; not for people. Its stdin and stdout are the relayed connection to the process's home
/// (frames, docs/protocol.md "Migration"); its stderr goes to the agent's log. SIGTERM (migrate PID
/// out, mosctl expel) sends the process home.
/// </summary>
internal static class GuestCommand
{
    public const string Name = "guest";

    public static int Run(string[] args)
    {
        if (args.Length > 0)
            return Fail.With($"mosix {Name}", "takes no arguments: it is started by mosixd for a process migrating here", Fail.Usage);

        // The channel moves above fd 2 and out of the incarnation's reach; the restorer stub,
        // and so the incarnation, finds /dev/null on 0, 1 and 2.
        var fromHome = Descriptors.MoveAside(0);
        var toHome = Descriptors.MoveAside(1);
        var log = new StreamWriter(new FileStream(Descriptors.MoveAside(2), FileAccess.Write, bufferSize: 0)) { AutoFlush = true };
        Directory.SetCurrentDirectory("/");

        var channel = new DuplexStream(new FileStream(fromHome, FileAccess.Read, bufferSize: 0), new FileStream(toHome, FileAccess.Write, bufferSize: 0));
        var frames = new FrameStream(channel, GuestRoute.MaxPayload);
        var host = new GuestHost(frames, log);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // not the end of the guest host: the process is sent home
            host.SendHome("this node sent it away");
        });
        string stub = Path.Combine(AppContext.BaseDirectory, "mosix-restore");
        return host.Run(stub);
    }
}

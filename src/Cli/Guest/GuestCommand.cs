using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mosix.Migrator.Migration;
using Mosix.Sandbox.Interop;
using Mosix.Shim.Wire;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Guest;

/// <summary>
/// <c>mosix guest</c>: the guest host a target node's agent starts for each process that migrates
/// to it; not for people. Its stdin and stdout are a pipe pair with the agent (GuestStart in,
/// GuestListening out; docs/protocol.md "Migration"); its stderr goes to the agent's log. Home
/// dials the channel it listens on. SIGTERM (migrate PID out, mosctl expel) or the agent's end
/// (stdin closed) sends the process home.
/// </summary>
internal static class GuestCommand
{
    public const string Name = "guest";

    public static int Run(string[] args)
    {
        if (args.Length > 0)
            return Fail.With($"mosix {Name}", "takes no arguments: it is started by mosixd for a process migrating here", Fail.Usage);

        // The agent's pipes move above fd 2 and out of the incarnation's reach; the restorer
        // stub, and so the incarnation, finds /dev/null on 0, 1 and 2.
        var fromAgent = Descriptors.MoveAside(0);
        var toAgent = Descriptors.MoveAside(1);
        var log = new StreamWriter(new FileStream(Descriptors.MoveAside(2), FileAccess.Write, bufferSize: 0)) { AutoFlush = true };
        Directory.SetCurrentDirectory("/");

        var agent = new FrameStream(new DuplexStream(new FileStream(fromAgent, FileAccess.Read, bufferSize: 0), new FileStream(toAgent, FileAccess.Write, bufferSize: 0)));
        FrameStream home;
        try
        {
            home = AwaitHome(agent, log);
        }
        catch (Exception e) when (e is FrameException or IOException or TimeoutException or FormatException or System.Net.Sockets.SocketException)
        {
            log.WriteLine($"mosix guest: no home: {e.Message}");
            return 1;
        }

        var host = new GuestHost(home, log);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true; // not the end of the guest host: the process is sent home
            host.SendHome("this node sent it away");
        });
        new Thread(() => WatchAgent(agent, host)) { IsBackground = true, Name = "guest: agent" }.Start();
        string stub = Path.Combine(AppContext.BaseDirectory, "mosix-restore");
        return host.Run(stub);
    }

    /// <summary>GuestStart from the agent, a listening channel, its port to the agent, then home's hello.</summary>
    private static FrameStream AwaitHome(FrameStream agent, TextWriter log)
    {
        var start = agent.Read() is { Kind: MessageKind.GuestStart } frame
            ? frame.Read(GuestStart.Parser)
            : throw new FrameException("the agent did not send GuestStart");
        byte[] key = start.ChannelKey.ToByteArray();
        try
        {
            using var listener = new GuestChannel.Listener(IPAddress.Parse(start.ListenAddress));
            agent.Write(MessageKind.GuestListening, new GuestListening { Port = (uint)listener.Port });
            var (frames, hello) = listener.Accept(key);
            log.WriteLine($"mosix guest: home {start.HomeNode} (pid {hello.HomePid}) connected");
            return frames;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>The agent's pipe: its end (the agent stopped or died) means this node is going away.</summary>
    private static void WatchAgent(FrameStream agent, GuestHost host)
    {
        try
        {
            while (agent.Read() is { } frame)
            {
                if (frame.Kind == MessageKind.GuestLeave)
                    host.SendHome(frame.Read(GuestLeave.Parser).Reason);
            }
        }
        catch (Exception e) when (e is FrameException or IOException)
        {
            // A broken pipe is an end too.
        }
        host.SendHome("the node's agent stopped");
    }
}

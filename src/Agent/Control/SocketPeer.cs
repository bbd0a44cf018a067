using System.Buffers.Binary;
using System.Net.Sockets;

namespace Mosix.Agent.Control;

/// <summary>Who is at the other end of a Unix socket: SO_PEERCRED (unix(7)), as the kernel vouches for it.</summary>
public static class SocketPeer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The peer's pid and uid, or null if the kernel would not say.</summary>
    public static (int Pid, uint Uid)? Credentials(Socket socket)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        var ucred = new byte[12];
        try
        {
            int length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
            if (length < 8)
                return null;
        }
        catch (SocketException)
        {
            return null;
        }
        return (BinaryPrimitives.ReadInt32LittleEndian(ucred), BinaryPrimitives.ReadUInt32LittleEndian(ucred.AsSpan(4)));
    }

    /// <summary>This process's effective uid, from /proc/self/status ("Uid: real effective saved fs").</summary>
    public static uint EffectiveUid()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new IOException("/proc/self/status has no Uid line");
    }
}

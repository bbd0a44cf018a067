using System.Net.Sockets;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Agent.Placement;

/// <summary>The agent's side of a mosrun's control socket: where its program is, and orders to move it.</summary>
public static class MosrunDoor
{
    private static readonly TimeSpan StatusPatience = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MovePatience = TimeSpan.FromMinutes(2);

    /// <summary>Updates <paramref name="process"/> from its mosrun's "status" (WHERE STATE PID COMMAND); false if it cannot be asked.</summary>
    public static bool Poll(HomeProcess process, string homeNode, DateTimeOffset now)
    {
        ControlLine.Reply reply;
        try
        {
            reply = ControlLine.Ask(process.ControlSocket, "status", StatusPatience);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return false;
        }
        var fields = reply.Message.Split(' ', 3);
        if (!reply.Ok || fields.Length < 2)
            return false;
        string where = fields[0] == "home" ? homeNode : fields[0];
        if (where != process.Where)
        {
            process.Where = where;
            process.ArrivedAt = now;
        }
        process.State = fields[1];
        if (where == homeNode && ProcessStatus.ResidentBytes(process.Pid) is { } rss)
            process.MeasuredMemory = rss;
        return true;
    }

    /// <summary>Moves the process to <paramref name="node"/> (home when it is <paramref name="homeNode"/>); mosrun's answer.</summary>
    public static ControlLine.Reply Move(HomeProcess process, string node, string homeNode)
    {
        try
        {
            return ControlLine.Ask(process.ControlSocket, node == homeNode ? "home" : $"move {node}", MovePatience);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return new ControlLine.Reply(false, e.Message);
        }
    }
}

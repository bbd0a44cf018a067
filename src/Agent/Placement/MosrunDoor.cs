using System.Net.Sockets;
using Mosix.Sandbox.Supervision;
using Mosix.Shim.Local;

namespace Mosix.Agent.Placement;

/// <summary>The agent's side of a mosrun's control socket: where each process of its tree is, and orders to move one.</summary>
public static class MosrunDoor
{
    private static readonly TimeSpan StatusPatience = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MovePatience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Updates <paramref name="program"/> and the other processes of its tree from its mosrun's
    /// "members" (TreeListing); false if it cannot be asked. Processes no longer listed are dropped.
    /// </summary>
    public static bool Poll(HomeProcess program, string homeNode, DateTimeOffset now)
    {
        ControlLine.Reply reply;
        try
        {
            reply = ControlLine.Ask(program.ControlSocket, "members", StatusPatience);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return false;
        }
        if (!reply.Ok)
            return false;
        var listed = new HashSet<int>();
        foreach (var member in TreeListing.Parse(reply.Message))
        {
            listed.Add(member.Pid);
            HomeProcess process;
            if (member.Pid == program.Pid)
                process = program;
            else if (!program.Descendants.TryGetValue(member.Pid, out process!))
                program.Descendants[member.Pid] = process = program.Descendant(member.Pid, member.Command, member.StartedAt);
            Update(process, member.Where == "home" ? homeNode : member.Where, member.State, homeNode, now);
        }
        foreach (int gone in program.Descendants.Keys.Where(pid => !listed.Contains(pid)).ToList())
        {
            if (!program.Descendants[gone].Moving)
                program.Descendants.Remove(gone);
        }
        return listed.Contains(program.Pid);
    }

    private static void Update(HomeProcess process, string where, string state, string homeNode, DateTimeOffset now)
    {
        if (process.Moving)
            return; // the move's own answer says where it is
        if (where != process.Where)
        {
            process.Where = where;
            process.ArrivedAt = now;
        }
        process.State = state;
        if (where == homeNode && ProcessStatus.ResidentBytes(process.Pid) is { } rss)
            process.MeasuredMemory = rss;
        if (where == homeNode)
            process.Threads = ProcessStatus.ThreadCount(process.Pid);
        process.SawCpu(where == homeNode ? ProcessStatus.CpuTime(process.Pid) : null, now);
    }

    /// <summary>Moves the process to <paramref name="node"/> (home when it is <paramref name="homeNode"/>); mosrun's answer.</summary>
    public static ControlLine.Reply Move(HomeProcess process, string node, string homeNode)
    {
        try
        {
            return ControlLine.Ask(process.ControlSocket, ControlLine.For(process.Pid, node == homeNode ? "home" : $"move {node}"), MovePatience);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return new ControlLine.Reply(false, e.Message);
        }
    }
}

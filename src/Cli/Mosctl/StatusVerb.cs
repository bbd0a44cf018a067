using System.CommandLine;
using System.Text.Json;
using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Mosctl;

/// <summary><c>mosctl status [--json]</c>: this node's agent, its owner states and what it knows.</summary>
internal sealed class StatusVerb : MosctlVerb
{
    private readonly Option<bool> _json = new("--json") { Description = "Print it as JSON" };

    public StatusVerb() => Command = new Command("status", "Show this node's agent: name, endpoint, owner states, load, what it knows") { _json };

    public override Command Command { get; }

    public override int Run(ParseResult parsed, StateDirectory state)
    {
        var status = AgentCall.Status(state);
        if (parsed.GetValue(_json))
            WriteJson(status);
        else
            WriteText(status);
        return 0;
    }

    private static void WriteText(NodeStatus s)
    {
        var self = s.Self ?? new LoadVector();
        string yesNo(bool b) => b ? "yes" : "no";
        Console.Out.WriteLine($"node       {s.Node}{(s.Endpoint.Length > 0 ? $" at {s.Endpoint}" : " (alone: no cluster credentials, no links)")}");
        Console.Out.WriteLine($"agent      mosixd {s.Version}, pid {s.Pid}, up {Units.Duration(TimeSpan.FromMilliseconds(s.UptimeMs))}, protocol {s.ProtocolVersion}");
        Console.Out.WriteLine($"state      {s.StateDirectory}");
        Console.Out.WriteLine($"owner      blocked: {yesNo(s.Blocked)}, expelling: {yesNo(s.Expelling)}, leaving: {yesNo(s.Leaving)}");
        Console.Out.WriteLine($"guests     {s.Guests}");
        Console.Out.WriteLine($"load       {Units.Number(self.Load)} on {self.Cores} cores, speed {Units.Number(self.Speed)}");
        Console.Out.WriteLine($"memory     {Units.Bytes(self.FreeMemory)} free of {Units.Bytes(self.TotalMemory)}");
        Console.Out.WriteLine($"cluster    {s.KnownNodes} other node(s) in view, {s.Links} link(s) open");
    }

    private static void WriteJson(NodeStatus s)
    {
        using var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("node", s.Node);
        json.WriteString("endpoint", s.Endpoint);
        json.WriteString("state", s.StateDirectory);
        json.WriteNumber("pid", s.Pid);
        json.WriteString("version", s.Version);
        json.WriteNumber("protocol", s.ProtocolVersion);
        json.WriteNumber("uptimeSeconds", s.UptimeMs / 1000.0);
        json.WriteBoolean("blocked", s.Blocked);
        json.WriteBoolean("expelling", s.Expelling);
        json.WriteBoolean("leaving", s.Leaving);
        json.WriteNumber("guests", s.Guests);
        json.WriteNumber("knownNodes", s.KnownNodes);
        json.WriteNumber("links", s.Links);
        json.WriteBoolean("credentials", s.HasCredentials);
        if (s.Self is { } self)
        {
            json.WritePropertyName("self");
            ViewJson.WriteVector(json, self, isSelf: true);
        }
        json.WriteEndObject();
        json.Flush();
        Console.Out.WriteLine();
    }
}

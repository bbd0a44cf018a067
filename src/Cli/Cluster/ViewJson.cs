using System.Text.Json;
using Mosix.Shim.Wire.Messages;

namespace Mosix.Cli.Cluster;

/// <summary>
/// The JSON of <c>mosmon --json</c> and <c>mosctl status --json</c>: stable names for scripts
/// (docs/agent.md, "mosmon"). Memory in bytes, ages in seconds.
/// </summary>
internal static class ViewJson
{
    public static void Write(Stream output, ClusterView view)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("self", view.Self?.Node ?? "");
        json.WriteNumber("intervalSeconds", view.IntervalMs / 1000.0);
        json.WriteNumber("timeoutSeconds", view.TimeoutMs / 1000.0);
        json.WriteStartArray("nodes");
        if (view.Self is { } self)
            WriteVector(json, self, isSelf: true);
        foreach (var node in view.Nodes)
            WriteVector(json, node, isSelf: false);
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    public static void WriteVector(Utf8JsonWriter json, LoadVector v, bool isSelf)
    {
        var flags = (NodeFlags)v.Flags;
        json.WriteStartObject();
        json.WriteString("name", v.Node);
        json.WriteBoolean("self", isSelf);
        json.WriteString("endpoint", v.Endpoint);
        json.WriteNumber("speed", Math.Round(v.Speed, 3));
        json.WriteNumber("cores", v.Cores);
        json.WriteNumber("load", Math.Round(v.Load, 3));
        json.WriteNumber("freeMemory", v.FreeMemory);
        json.WriteNumber("totalMemory", v.TotalMemory);
        json.WriteNumber("guests", v.Guests);
        json.WriteBoolean("blocked", (flags & NodeFlags.Blocked) != 0);
        json.WriteBoolean("expelling", (flags & NodeFlags.Expelling) != 0);
        json.WriteBoolean("leaving", (flags & NodeFlags.Leaving) != 0);
        json.WriteNumber("ageSeconds", v.AgeMs / 1000.0);
        json.WriteEndObject();
    }
}

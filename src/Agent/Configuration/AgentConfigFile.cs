using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mosix.Agent.Configuration;

/// <summary>
/// mosixd.json as written by people (docs/agent.md, "Configuration"): every setting optional, names
/// in camelCase, unknown names refused so a typo is not silently ignored. The command line overrides it.
/// </summary>
public sealed class AgentConfigFile
{
    public string? Name { get; set; }

    public string? Listen { get; set; }

    public string? Advertise { get; set; }

    public string[]? Seeds { get; set; }

    public double? Speed { get; set; }

    public double? ExtraLoad { get; set; }

    public double? IntervalSeconds { get; set; }

    public double? TimeoutSeconds { get; set; }

    public int? Fanout { get; set; }

    public int? VectorsPerMessage { get; set; }

    public int? WindowSize { get; set; }

    public bool? AcceptGuests { get; set; }

    public int? MaxGuests { get; set; }

    /// <summary>MOSIX's lstay: this node's own processes are never moved automatically.</summary>
    public bool? LocalStay { get; set; }

    /// <summary>The fraction of a node's memory that must stay free; below it, processes are ushered out.</summary>
    public double? MemoryReserve { get; set; }

    /// <summary>Priorities of guests by their home node (lower leave last; 50 for others); mosctl cngpri changes them.</summary>
    public Dictionary<string, int>? GuestPriorities { get; set; }

    /// <summary>The only nodes whose processes may come here as guests; null: any node of the cluster.</summary>
    public string[]? GuestsFrom { get; set; }

    /// <summary>The only users whose processes may come here as guests; null: any user.</summary>
    public string[]? GuestUsers { get; set; }

    public string? LogLevel { get; set; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads <paramref name="path"/>; an absent file is an empty configuration unless <paramref name="required"/>.</summary>
    /// <exception cref="ConfigurationException">Unreadable, not JSON, or a setting that does not exist.</exception>
    public static AgentConfigFile Load(string path, bool required)
    {
        if (!File.Exists(path))
            return required ? throw new ConfigurationException($"{path}: no such file") : new AgentConfigFile();
        try
        {
            return JsonSerializer.Deserialize<AgentConfigFile>(File.ReadAllText(path), Json) ?? new AgentConfigFile();
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{path}: {Describe(e)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: {e.Message}");
        }
    }

    private static string Describe(JsonException e)
    {
        // System.Text.Json's messages run long; keep the gist and where.
        string message = e.Message;
        const string unknown = "The JSON property '";
        if (message.StartsWith(unknown, StringComparison.Ordinal) && message.IndexOf('\'', unknown.Length) is int end and > 0)
            return $"unknown setting '{message[unknown.Length..end]}' (docs/agent.md lists the settings)";
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        string gist = (cut > 0 ? message[..cut] : message).TrimEnd('.');
        return e.LineNumber is { } line ? $"line {line + 1}: {gist}" : gist;
    }
}

/// <summary>A configuration that cannot be used; the message is the one line mosixd prints.</summary>
public sealed class ConfigurationException(string message) : Exception(message);

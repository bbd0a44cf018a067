using System.Globalization;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Discovery;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

namespace Mosix.Agent.Configuration;

/// <summary>
/// Merges mosixd.json with the command line (which wins) and checks every value, so a bad setting
/// stops mosixd at once with one line instead of misbehaving later.
/// </summary>
public static class OptionsBuilder
{
    /// <exception cref="ConfigurationException">The first problem found, worded for the user.</exception>
    public static AgentOptions Build(StateDirectory state, AgentConfigFile file, AgentConfigFile overrides, NodeCredentials? credentials)
    {
        var c = Merge(file, overrides);
        string name = c.Name ?? credentials?.NodeName ?? NodeName.OfThisMachine();
        Check(NodeName.Problem(name));
        if (credentials is not null && credentials.NodeName != name)
            Fail($"name '{name}' differs from '{credentials.NodeName}', the name in this node's certificate ({state.TlsDirectory}/node.crt)");

        var listen = Endpoint(c.Listen ?? $":{AgentOptions.DefaultPort}", "listen");
        var advertise = c.Advertise is { } a ? Endpoint(a, "advertise")
            : listen.IsAnyAddress ? new NetworkEndpoint(Environment.MachineName, listen.Port) : listen;
        if (listen.BindAddress() is null)
            Fail($"listen: '{listen.Host}' is not an IP address of this machine (use an address, or :PORT for all)");
        var seeds = (c.Seeds ?? []).Select(s => Endpoint(s, "seed")).Distinct().ToList();
        if (credentials is null && (seeds.Count > 0 || c.Listen is not null || c.Advertise is not null))
            Fail($"no cluster credentials in {state.TlsDirectory}, so no links: run 'mosctl init' (a new cluster) or 'mosctl import FILE' (join one) first");

        var gossip = new GossipSettings
        {
            Interval = Seconds(c.IntervalSeconds ?? 1, "interval", 0.05, 60),
            Timeout = Seconds(c.TimeoutSeconds ?? 10, "timeout", 0.2, 3600),
            Fanout = Range(c.Fanout ?? 2, "fanout", 1, 16),
            VectorsPerMessage = Range(c.VectorsPerMessage ?? 20, "vectorsPerMessage", 0, 256),
            WindowSize = Range(c.WindowSize ?? 64, "windowSize", 1, 4096),
        };
        if (gossip.Timeout < gossip.Interval * 3)
            Fail($"timeout ({gossip.Timeout.TotalSeconds:0.###} s) must be at least 3 intervals ({gossip.Interval.TotalSeconds * 3:0.###} s), or live nodes would time out");
        if (c.Speed is { } speed && !(speed > 0 && speed <= 1000))
            Fail($"speed {speed.ToString(CultureInfo.InvariantCulture)} is not a speed factor (more than 0, at most 1000)");
        if (c.ExtraLoad is { } extra && !(extra >= 0 && extra <= 1_000_000))
            Fail("extraLoad must be 0 or more");
        if (c.MemoryReserve is { } reserve && !(reserve >= 0 && reserve <= 0.9))
            Fail("memoryReserve must be a fraction between 0 and 0.9");
        foreach (var (home, priority) in c.GuestPriorities ?? [])
        {
            Check(NodeName.Problem(home));
            if (priority is < 0 or > 1000)
                Fail($"guestPriorities: {home}'s priority must be between 0 and 1000");
        }
        foreach (var home in c.GuestsFrom ?? [])
            Check(NodeName.Problem(home));
        if (c.MaxGuests is < 0)
            Fail("maxGuests must be 0 or more");

        return new AgentOptions
        {
            State = state,
            Name = name,
            Listen = credentials is null ? null : listen,
            Advertise = credentials is null ? null : advertise,
            Seeds = seeds,
            Speed = c.Speed,
            ExtraLoad = c.ExtraLoad ?? 0,
            Gossip = gossip,
            AcceptGuests = c.AcceptGuests ?? true,
            MaxGuests = c.MaxGuests,
            LocalStay = c.LocalStay ?? false,
            MemoryReserve = c.MemoryReserve ?? 0.1,
            GuestPriorities = c.GuestPriorities ?? [],
            GuestsFrom = c.GuestsFrom?.ToHashSet(StringComparer.Ordinal),
            GuestUsers = c.GuestUsers?.ToHashSet(StringComparer.Ordinal),
            LogLevel = Level(c.LogLevel ?? "info"),
            Credentials = credentials,
        };
    }

    private static AgentConfigFile Merge(AgentConfigFile file, AgentConfigFile over) => new()
    {
        Name = over.Name ?? file.Name,
        Listen = over.Listen ?? file.Listen,
        Advertise = over.Advertise ?? file.Advertise,
        Seeds = over.Seeds is { Length: > 0 } ? over.Seeds : file.Seeds,
        Speed = over.Speed ?? file.Speed,
        ExtraLoad = over.ExtraLoad ?? file.ExtraLoad,
        IntervalSeconds = over.IntervalSeconds ?? file.IntervalSeconds,
        TimeoutSeconds = over.TimeoutSeconds ?? file.TimeoutSeconds,
        Fanout = over.Fanout ?? file.Fanout,
        VectorsPerMessage = over.VectorsPerMessage ?? file.VectorsPerMessage,
        WindowSize = over.WindowSize ?? file.WindowSize,
        AcceptGuests = over.AcceptGuests ?? file.AcceptGuests,
        MaxGuests = over.MaxGuests ?? file.MaxGuests,
        LocalStay = over.LocalStay ?? file.LocalStay,
        MemoryReserve = over.MemoryReserve ?? file.MemoryReserve,
        GuestPriorities = over.GuestPriorities ?? file.GuestPriorities,
        GuestsFrom = over.GuestsFrom ?? file.GuestsFrom,
        GuestUsers = over.GuestUsers ?? file.GuestUsers,
        LogLevel = over.LogLevel ?? file.LogLevel,
    };

    private static NetworkEndpoint Endpoint(string text, string what) =>
        NetworkEndpoint.Parse(text, out string? problem) ?? throw new ConfigurationException($"{what}: {problem}");

    private static TimeSpan Seconds(double value, string what, double min, double max) =>
        value >= min && value <= max ? TimeSpan.FromSeconds(value)
        : throw new ConfigurationException($"{what} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} seconds");

    private static int Range(int value, string what, int min, int max) =>
        value >= min && value <= max ? value : throw new ConfigurationException($"{what} must be between {min} and {max}");

    private static LogLevel Level(string text) => text.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => throw new ConfigurationException($"logLevel '{text}' is not one of trace, debug, info, warning, error"),
    };

    private static void Check(string? problem)
    {
        if (problem is not null)
            Fail(problem);
    }

    private static void Fail(string message) => throw new ConfigurationException(message);
}

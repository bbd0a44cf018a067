using System.Globalization;
using System.Net;

namespace Mosix.Agent.Configuration;

/// <summary>"HOST:PORT", "[IPv6]:PORT" or ":PORT" (every address): where an agent listens or is reached.</summary>
public sealed record NetworkEndpoint(string Host, int Port)
{
    public bool IsAnyAddress => Host.Length == 0 || Host is "0.0.0.0" or "::" or "*";

    /// <summary>Parses <paramref name="text"/>; null and why when it is not an endpoint.</summary>
    public static NetworkEndpoint? Parse(string text, out string? problem)
    {
        problem = null;
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            problem = $"'{text}' is not HOST:PORT";
            return null;
        }
        string host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':'))
        {
            problem = $"'{text}': write an IPv6 address in brackets, [ADDRESS]:PORT";
            return null;
        }
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            problem = $"'{text}' has no valid port (1-65535)";
            return null;
        }
        if (host.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            problem = $"'{text}' has no valid host";
            return null;
        }
        return new NetworkEndpoint(host, port);
    }

    /// <summary>The address to bind: every address (IPv6 with IPv4 mapped) for an empty or wildcard host.</summary>
    public IPAddress? BindAddress() =>
        IsAnyAddress ? IPAddress.IPv6Any : IPAddress.TryParse(Host, out var address) ? address : null;

    public override string ToString() =>
        Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}

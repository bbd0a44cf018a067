using System.Reflection;

namespace Mosix.Agent;

/// <summary>This build's version, as the status reply and the start-up log show it.</summary>
public static class AgentVersion
{
    public static string Text { get; } =
        typeof(AgentVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}

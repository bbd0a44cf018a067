using Mosix.Sandbox.Supervision;

namespace Mosix.Cli;

/// <summary>Which command this process is: the name it was started under.</summary>
internal static class CommandName
{
    public static readonly string[] Known = ["mosrun", "migrate", "syscalls", "mosmon", "mosps", "mosctl", "native", "guest", "mosbestnode", "mosq", "moskillall"];

    public static bool IsKnown(string name) => Array.IndexOf(Known, name) >= 0;

    /// <summary>The base name of argv[0] as typed (see <see cref="ProcessSetup.ProgramName"/>).</summary>
    public static string Of() => ProcessSetup.ProgramName() is { Length: > 0 } name ? name : "mosix";
}

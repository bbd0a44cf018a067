namespace Mosix.Sandbox.Spawning;

/// <summary>What to run: an executable path already resolved, its argv and its environment.</summary>
/// <param name="Path">The file to execve, as <see cref="ProgramLocator"/> resolved it.</param>
/// <param name="Argv">argv, with argv[0] as the user typed it.</param>
/// <param name="Environment">"NAME=value" strings, or null for this process's own environment, as given to it.</param>
public sealed record SpawnRequest(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string>? Environment)
{
    /// <summary>
    /// A request with this process's environment exactly as it was given (libc's environ, in its
    /// order: a program can see the order, and .NET's view of the environment does not keep it).
    /// </summary>
    public static SpawnRequest WithCurrentEnvironment(string path, IReadOnlyList<string> argv) =>
        new(path, argv, null);
}

namespace Mosix.Sandbox.Spawning;

/// <summary>What to run: an executable path already resolved, its argv and its environment.</summary>
/// <param name="Path">The file to execve, as <see cref="ProgramLocator"/> resolved it.</param>
/// <param name="Argv">argv, with argv[0] as the user typed it.</param>
/// <param name="Environment">"NAME=value" strings.</param>
public sealed record SpawnRequest(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Environment)
{
    /// <summary>A request with this process's environment.</summary>
    public static SpawnRequest WithCurrentEnvironment(string path, IReadOnlyList<string> argv) =>
        new(path, argv, CurrentEnvironment());

    private static List<string> CurrentEnvironment()
    {
        var list = new List<string>();
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            list.Add($"{e.Key}={e.Value}");
        return list;
    }
}

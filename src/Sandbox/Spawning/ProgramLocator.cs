using Mosix.Sandbox.Interop;

namespace Mosix.Sandbox.Spawning;

/// <summary>
/// Resolves a command name the way a shell does (execvp(3)): a name with a slash is a path,
/// anything else is searched for in PATH. Checks up front what execve would refuse, so the user
/// gets the shell's message and exit code rather than a late failure from the child.
/// </summary>
public static class ProgramLocator
{
    /// <summary>The path to execute, or throws <see cref="SpawnException"/> with the shell's errno.</summary>
    public static string Resolve(string command) =>
        Resolve(command, Environment.GetEnvironmentVariable("PATH"), workingDirectory: ""); // "": paths stay as given

    /// <summary>As <see cref="Resolve(string)"/>, for another process: its PATH and working directory.</summary>
    public static string Resolve(string command, string? searchPath, string workingDirectory)
    {
        if (command.Length == 0)
            throw new SpawnException(command, Errno.ENOENT);
        if (command.Contains('/'))
            return Check(command, Path.Combine(workingDirectory, command));

        string path = searchPath ?? "/usr/local/bin:/usr/bin:/bin";
        int firstDenied = 0;
        foreach (var dir in path.Split(':'))
        {
            string candidate = Path.Combine(workingDirectory, dir.Length == 0 ? "." : dir, command);
            if (!File.Exists(candidate))
                continue;
            if (IsExecutable(candidate))
                return candidate;
            firstDenied = Errno.EACCES;
        }
        throw new SpawnException(command, firstDenied != 0 ? firstDenied : Errno.ENOENT, searchedPath: true);
    }

    private static string Check(string shown, string path)
    {
        if (Directory.Exists(path))
            throw new SpawnException(shown, Errno.EISDIR);
        if (!File.Exists(path))
            throw new SpawnException(shown, Errno.ENOENT);
        if (!IsExecutable(path))
            throw new SpawnException(shown, Errno.EACCES);
        return path;
    }

    private static bool IsExecutable(string path) => Access.CanExecute(path);
}

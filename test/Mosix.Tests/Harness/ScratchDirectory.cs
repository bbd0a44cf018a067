namespace Mosix.Tests.Harness;

/// <summary>A private temporary folder for one test: <c>work/</c> (the command's cwd) and <c>home/</c> (its HOME).</summary>
/// <remarks>
/// <see cref="Reset"/> empties both and recreates them at the same paths, so a native run and a supervised run
/// see identical paths and identical (empty) contents. Dispose deletes everything.
/// </remarks>
public sealed class ScratchDirectory : IDisposable
{
    private readonly ThrowawayUser? _owner;

    private ScratchDirectory(string root, ThrowawayUser? owner)
    {
        Root = root;
        _owner = owner;
        Reset();
    }

    public string Root { get; }

    public string Work => Path.Combine(Root, "work");

    public string Home => Path.Combine(Root, "home");

    /// <summary>Creates one under the system temp folder, or inside <paramref name="owner"/>'s private folder, owned by it.</summary>
    public static ScratchDirectory Create(ThrowawayUser? owner = null)
    {
        string parent = owner?.PrivateDirectory ?? Path.GetTempPath();
        string root = Path.Combine(parent, "mosix-test-" + Path.GetRandomFileName().Replace(".", ""));
        Directory.CreateDirectory(root);
        return new ScratchDirectory(root, owner);
    }

    public void Reset()
    {
        foreach (string dir in new[] { Work, Home })
        {
            if (Directory.Exists(dir))
                DeleteTree(dir);
            Directory.CreateDirectory(dir);
        }
        _owner?.GiveOwnership(Root, Work, Home);
    }

    /// <summary>Writes a file under <see cref="Work"/> (owned by the owner, if any) and returns its full path.</summary>
    public string WriteFile(string relativePath, string contents, UnixFileMode? mode = null)
    {
        string path = Path.Combine(Work, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        if (mode is { } m)
            File.SetUnixFileMode(path, m);
        _owner?.GiveOwnership(path);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
            DeleteTree(Root);
    }

    /// <summary>Deletes a tree even where a command left folders without write permission.</summary>
    internal static void DeleteTree(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            foreach (string dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Prepend(path))
                File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.Delete(path, recursive: true);
        }
    }
}

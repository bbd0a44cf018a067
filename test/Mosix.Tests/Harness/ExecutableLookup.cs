namespace Mosix.Tests.Harness;

/// <summary>PATH lookup as execvp(3) does it: a name with a slash is used as is, else the first executable match.</summary>
public static class ExecutableLookup
{
    public static string Resolve(string name, string? path)
    {
        if (name.Contains('/'))
            return name;
        foreach (string dir in (path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                return candidate;
        }
        return name; // let the start fail with the usual "not found"
    }
}

namespace Mosix.Cli;

/// <summary>Which command this process is: the name it was started under.</summary>
internal static class CommandName
{
    public static readonly string[] Known = ["mosrun", "migrate", "syscalls"];

    public static bool IsKnown(string name) => Array.IndexOf(Known, name) >= 0;

    /// <summary>
    /// The base name of argv[0] as typed. The apphost replaces argv[0] with the real path of the
    /// binary, so read the original from /proc/self/cmdline.
    /// </summary>
    public static string Of(string[] runtimeArgs)
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            int end = Array.IndexOf(cmdline, (byte)0);
            string argv0 = System.Text.Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
            return Path.GetFileName(argv0);
        }
        catch (IOException)
        {
            return Path.GetFileNameWithoutExtension(runtimeArgs.Length > 0 ? runtimeArgs[0] : "mosix");
        }
    }
}

namespace Mosix.Shim.Local;

/// <summary>
/// A node's state folder: its agent's configuration, credentials, control socket, pid file and log.
/// Every command and mosixd take it from <c>--state DIR</c>, else <c>MOSIX_STATE</c>, else
/// <c>$XDG_STATE_HOME/mosix</c>, else <c>~/.local/state/mosix</c> (docs/agent.md, "State folder").
/// </summary>
/// <remarks>
/// Layout:
/// <code>
///   mosixd.json     configuration (optional)
///   mosixd.sock     the control socket (0600)
///   mosixd.pid      the running agent's pid
///   mosixd.log      the agent's log
///   tls/ca.crt      the cluster CA's certificate: whom to trust
///   tls/ca.key      the CA's private key: only where `mosctl init` ran (0600)
///   tls/node.crt    this node's certificate, signed by the CA
///   tls/node.key    its private key (0600)
/// </code>
/// The folder is owner-only (0700): other users can neither list it nor reach the socket.
/// </remarks>
public sealed class StateDirectory
{
    public const string Variable = "MOSIX_STATE";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public StateDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    public string ConfigFile => Combine("mosixd.json");

    public string ControlSocket => Combine("mosixd.sock");

    public string PidFile => Combine("mosixd.pid");

    public string LogFile => Combine("mosixd.log");

    public string TlsDirectory => Combine("tls");

    /// <summary>The folder chosen by <paramref name="option"/> (--state), the environment, or the per-user default.</summary>
    public static StateDirectory Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
            return new StateDirectory(option);
        string? fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return new StateDirectory(fromEnvironment);
        string? xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (!string.IsNullOrEmpty(xdg) && System.IO.Path.IsPathRooted(xdg))
            return new StateDirectory(System.IO.Path.Combine(xdg, "mosix"));
        string home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new StateDirectory(System.IO.Path.Combine(home, ".local", "state", "mosix"));
    }

    /// <summary>Creates the folder owner-only if missing (parents as needed); refuses one open to others.</summary>
    /// <exception cref="IOException">The folder cannot be made, or others can enter or write it.</exception>
    public StateDirectory Ensure()
    {
        EnsurePrivate(Path);
        return this;
    }

    /// <summary>
    /// Creates <paramref name="path"/> 0700 if missing; refuses it if group or others may enter or
    /// write it, or if another user owns it (whose folder could hand this user keys and sockets
    /// that user chose).
    /// </summary>
    public static void EnsurePrivate(string path)
    {
        if (!Directory.Exists(path))
        {
            string? parent = System.IO.Path.GetDirectoryName(path);
            if (parent is not null)
                Directory.CreateDirectory(parent);
            Directory.CreateDirectory(path, OwnerOnly);
        }
        if (FolderTrust.Owner(path) is { } owner && owner != FolderTrust.CurrentUid())
            throw new IOException($"{path} belongs to another user (uid {owner}); use a folder of your own (--state, MOSIX_STATE)");
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode open = UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & open) != 0)
            throw new IOException($"{path} is open to other users (mode {Convert.ToString((int)mode, 8)}); make it 0700");
    }

    public override string ToString() => Path;

    private string Combine(string name) => System.IO.Path.Combine(Path, name);
}

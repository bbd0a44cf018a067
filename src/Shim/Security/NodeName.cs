namespace Mosix.Shim.Security;

/// <summary>What a node name may be: it names the node in certificates, views and logs.</summary>
public static class NodeName
{
    public const int MaxLength = 63;

    /// <summary>Null when <paramref name="name"/> is acceptable, else why not.</summary>
    /// <remarks>Letters, digits, '-', '_' and '.', as a host name: safe in a certificate, a file name and a terminal.</remarks>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
            return "a node name may not be empty";
        if (name.Length > MaxLength)
            return $"node name '{name[..20]}...' is longer than {MaxLength} characters";
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return $"node name '{name}' may hold only letters, digits, '-', '_' and '.'";
        }
        return null;
    }

    /// <summary>This machine's host name, as a default node name.</summary>
    public static string OfThisMachine()
    {
        string host = Environment.MachineName;
        return Problem(host) is null ? host : "node";
    }
}

namespace Mosix.Tests.Harness;

/// <summary>How <see cref="CommandRunner"/> starts a command.</summary>
public sealed record RunOptions
{
    /// <summary>Bytes fed to stdin, then EOF. Null: stdin is an empty pipe, closed at once (unless <see cref="KeepStdinOpen"/>).</summary>
    public byte[]? Stdin { get; init; }

    /// <summary>Leave stdin open until <see cref="RunningCommand.CloseStdin"/>.</summary>
    public bool KeepStdinOpen { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>The command's whole environment. Null: the test host's own (fine for tools, not for comparisons).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Put in front of the command to run it as another user, e.g. <see cref="ThrowawayUser.CommandPrefix"/>.</summary>
    public IReadOnlyList<string> RunAsPrefix { get; init; } = [];

    /// <summary>
    /// Run the command as a child of <c>bin/tests/wait_status</c> to learn its exact wait status
    /// (<see cref="CommandResult.ExactStatus"/>). The command is then not the started pid itself.
    /// </summary>
    public bool ExactStatus { get; init; }

    /// <summary>For the whole run, start to EOF on stdout and stderr. Past it the tree is killed and the test fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// On a timeout, what else to put in the failure message (besides the command's own process
    /// tree, always there): other processes the command depends on, such as an agent's guest host.
    /// </summary>
    public Func<string>? DescribeOnTimeout { get; init; }

    /// <summary>Processes still alive (re-parented to the test host) after the command exits fail the test unless this is set.</summary>
    public bool AllowLeftoverProcesses { get; init; }
}

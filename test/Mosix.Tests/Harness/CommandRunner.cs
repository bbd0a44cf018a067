using System.ComponentModel;
using System.Diagnostics;
using NUnit.Framework;

namespace Mosix.Tests.Harness;

/// <summary>Runs commands for tests: raw stdout/stderr bytes, exact exit status, a timeout, nothing left behind.</summary>
/// <remarks>
/// Every command is started with <see cref="Process"/> (the runtime reaps it); anything it leaves behind is
/// re-parented to the test host (a child subreaper), ended by pid and reaped by pid. Tests in this assembly run
/// one at a time, so an orphan that appears belongs to the command that just ended.
/// </remarks>
public static class CommandRunner
{
    private static readonly Lazy<bool> HostPrepared = new(PrepareHost);

    public static CommandResult Run(IReadOnlyList<string> argv, RunOptions? options = null)
    {
        using var running = Start(argv, options);
        return running.WaitForExit();
    }

    public static RunningCommand Start(IReadOnlyList<string> argv, RunOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(argv.Count);
        options ??= new RunOptions();
        _ = HostPrepared.Value;

        string? statusDirectory = null;
        var full = new List<string>();
        if (options.ExactStatus)
        {
            statusDirectory = Directory.CreateTempSubdirectory("mosix-status-").FullName;
            full.Add(RepoPaths.TestProgram("wait_status"));
            full.Add(Path.Combine(statusDirectory, "status"));
        }
        full.AddRange(options.RunAsPrefix);
        full.AddRange(argv);

        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = options.WorkingDirectory ?? "",
        };
        if (options.Environment is { } environment)
        {
            startInfo.Environment.Clear();
            foreach (var (name, value) in environment)
                startInfo.Environment[name] = value;
        }
        // Process looks names up in the test host's PATH; look them up in the command's own, as a shell would.
        string? path = options.Environment is null ? Environment.GetEnvironmentVariable("PATH") : options.Environment.GetValueOrDefault("PATH");
        startInfo.FileName = ExecutableLookup.Resolve(full[0], path);
        foreach (string arg in full.Skip(1))
            startInfo.ArgumentList.Add(arg);

        string commandLine = Printable.CommandLine(full);
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Win32Exception e)
        {
            if (statusDirectory is not null)
                Directory.Delete(statusDirectory, recursive: true);
            Assert.Fail($"could not start {commandLine}: {e.Message}");
            throw; // not reached: Assert.Fail throws
        }
        return new RunningCommand(process, commandLine, options, statusDirectory);
    }

    private static bool PrepareHost()
    {
        Libc.BecomeChildSubreaper();
        Libc.DisableCoreDumps();
        Libc.DefaultTerminalSignals();
        return true;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using NUnit.Framework;

namespace Mosix.Tests.Harness;

/// <summary>A started command: its pid, its output so far, its stdin; <see cref="WaitForExit"/> ends it into a <see cref="CommandResult"/>.</summary>
/// <remarks>Dispose always leaves nothing running: the tree is killed by pid if the command has not ended.</remarks>
public sealed class RunningCommand : IDisposable
{
    /// <summary>Pids of commands started and not yet finished: the orphan sweep must not touch them.</summary>
    private static readonly ConcurrentDictionary<int, bool> Owned = new();

    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly RunOptions _options;
    private readonly string? _statusDirectory;
    private readonly OutputCapture _stdout;
    private readonly OutputCapture _stderr;
    private readonly DateTime _deadline;
    private readonly Task _stdinWriter;
    private bool _finished;

    internal RunningCommand(Process process, string commandLine, RunOptions options, string? statusDirectory)
    {
        _process = process;
        _options = options;
        _statusDirectory = statusDirectory;
        CommandLine = commandLine;
        Pid = process.Id;
        Owned[Pid] = true;
        _deadline = DateTime.UtcNow + options.Timeout;
        _stdout = new OutputCapture(process.StandardOutput.BaseStream);
        _stderr = new OutputCapture(process.StandardError.BaseStream);
        _stdinWriter = options.KeepStdinOpen ? Task.CompletedTask : Task.Run(() => FeedStdin(options.Stdin ?? []));
    }

    public int Pid { get; }

    /// <summary>True once the command's process has exited (its output may still be draining).</summary>
    public bool HasExited => _process.HasExited;

    public string CommandLine { get; }

    public byte[] StdoutSoFar => _stdout.Snapshot();

    /// <summary>Waits until stdout holds <paramref name="text"/>; fails the test (and kills the tree) if it never comes.</summary>
    public void WaitForStdout(string text)
    {
        byte[] wanted = Encoding.UTF8.GetBytes(text);
        if (!_stdout.WaitUntil(bytes => bytes.AsSpan().IndexOf(wanted) >= 0, _deadline))
            Abort($"stdout never showed {Printable.Escape(wanted)}");
    }

    /// <summary>Sends <paramref name="signal"/> to the started pid (kill(2)), as a user's <c>kill</c> would.</summary>
    public void SendSignal(int signal)
    {
        if (!Libc.Kill(Pid, signal))
            Assert.Fail($"{CommandLine}: pid {Pid} was already gone when sending {Signals.Name(signal)}");
    }

    /// <summary>Writes to the command's stdin (started with <see cref="RunOptions.KeepStdinOpen"/>).</summary>
    public void WriteStdin(string text)
    {
        var stdin = _process.StandardInput.BaseStream;
        stdin.Write(Encoding.UTF8.GetBytes(text));
        stdin.Flush();
    }

    public void CloseStdin()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The reader is gone already, or stdin was closed before.
        }
    }

    /// <summary>Waits for the command to exit and both output pipes to reach EOF, within the timeout.</summary>
    public CommandResult WaitForExit()
    {
        if (!_process.WaitForExit(Remaining()))
            Abort($"did not finish within {_options.Timeout.TotalSeconds:0} s");
        _process.WaitForExit();
        int exitCode = _process.ExitCode;
        Owned.TryRemove(Pid, out _);
        _finished = true;

        var leftovers = ProcessTree.EndAdoptedOrphans(IsOwned, OrphanGrace);
        if (!_stdout.WaitForEnd(_deadline) || !_stderr.WaitForEnd(_deadline))
            Abort("exited, but something kept its stdout or stderr open past the timeout");
        _stdinWriter.Wait(TimeSpan.FromSeconds(5));

        var result = new CommandResult(CommandLine, _stdout.Snapshot(), _stderr.Snapshot(), exitCode, ReadExactStatus());
        if (leftovers.Count > 0 && !_options.AllowLeftoverProcesses)
        {
            Assert.Fail($"""
                the command left {leftovers.Count} process(es) running after it exited (now killed): {string.Join("; ", leftovers)}
                {result.Describe("result")}
                """);
        }
        return result;
    }

    public void Dispose()
    {
        if (!_finished)
        {
            if (!_process.HasExited)
                ProcessTree.KillTree(Pid);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
            Owned.TryRemove(Pid, out _);
            _finished = true;
            ProcessTree.EndAdoptedOrphans(IsOwned, TimeSpan.Zero);
        }
        _process.Dispose();
        if (_statusDirectory is not null && Directory.Exists(_statusDirectory))
            Directory.Delete(_statusDirectory, recursive: true);
    }

    private static bool IsOwned(int pid) => Owned.ContainsKey(pid);

    private TimeSpan Remaining()
    {
        TimeSpan left = _deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Kills the whole tree, then fails the test with whatever output there was.</summary>
    private void Abort(string why)
    {
        // Before anything is killed: what the processes were doing is the clue to a hang.
        string processes = HangReport.Of(Pid) + Describe(_options.DescribeOnTimeout);
        if (!_process.HasExited)
            ProcessTree.KillTree(Pid);
        _process.WaitForExit(TimeSpan.FromSeconds(10));
        Owned.TryRemove(Pid, out _);
        _finished = true;
        ProcessTree.EndAdoptedOrphans(IsOwned, TimeSpan.Zero);
        _stdout.WaitForEnd(DateTime.UtcNow + TimeSpan.FromSeconds(2));
        _stderr.WaitForEnd(DateTime.UtcNow + TimeSpan.FromSeconds(2));
        Assert.Fail($"""
            {CommandLine}: {why}; the process tree was killed.
              stdout so far: {Printable.Escape(_stdout.Snapshot())}
              stderr so far: {Printable.Escape(_stderr.Snapshot())}
              processes when it was given up on:
            {processes}
            """);
    }

    private static string Describe(Func<string>? describe)
    {
        try
        {
            return describe?.Invoke() ?? "";
        }
        catch (Exception e)
        {
            return $"    (could not describe more: {e.Message})";
        }
    }

    private ExitStatus? ReadExactStatus()
    {
        if (_statusDirectory is null)
            return null;
        string file = Path.Combine(_statusDirectory, "status");
        if (!File.Exists(file))
            Assert.Fail($"{CommandLine}: wait_status wrote no status (exit code {_process.ExitCode}); stderr: {Printable.Escape(_stderr.Snapshot())}");
        return ExitStatus.Parse(File.ReadAllText(file));
    }

    private void FeedStdin(byte[] bytes)
    {
        try
        {
            Stream stdin = _process.StandardInput.BaseStream;
            stdin.Write(bytes);
            stdin.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The command stopped reading (it exited or closed stdin): as with a shell pipe, the rest is dropped.
        }
        finally
        {
            CloseStdin();
        }
    }
}

using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Agent;

/// <summary>One mosixd started by a test: its state folder, port and process; ended by pid when disposed.</summary>
public sealed class AgentProcess : IDisposable
{
    private RunningCommand? _running;

    internal AgentProcess(string name, string state, int port, IReadOnlyList<string> argv, RunOptions options)
    {
        Name = name;
        State = state;
        Port = port;
        RunAsPrefix = options.RunAsPrefix;
        _running = CommandRunner.Start(argv, options);
        Pid = _running.Pid;
    }

    public string Name { get; }

    public string State { get; }

    public int Port { get; }

    /// <summary>What the agent was started under to run as another user (empty: as the tests' user); ask it the same way.</summary>
    public IReadOnlyList<string> RunAsPrefix { get; }

    public int Pid { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public string LogFile => Path.Combine(State, "mosixd.log");

    public string ControlSocket => Path.Combine(State, "mosixd.sock");

    /// <summary>The agent's log so far (empty if it has written none).</summary>
    public string Log()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return new StreamReader(stream).ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public bool IsRunning => _running is not null && ProcessTree.Read(Pid) is { IsDead: false };

    /// <summary>SIGTERM, then waits for the exit; returns the agent's result (exit code and output).</summary>
    public CommandResult Stop()
    {
        var running = _running ?? throw new InvalidOperationException($"{Name} was already ended");
        running.SendSignal(Signals.SIGTERM);
        _running = null;
        using (running)
            return running.WaitForExit();
    }

    /// <summary>SIGKILL: the agent vanishes without a goodbye, as on a crash or a power cut.</summary>
    public void Kill()
    {
        var running = _running ?? throw new InvalidOperationException($"{Name} was already ended");
        running.SendSignal(Signals.SIGKILL);
        _running = null;
        running.Dispose();
    }

    public void Dispose()
    {
        _running?.Dispose();
        _running = null;
    }

    public override string ToString() => $"{Name} (pid {Pid}, {Endpoint}, {State})";

    /// <summary>Fails the test with the agent's log when <paramref name="condition"/> does not hold within <paramref name="patience"/>.</summary>
    public static void WaitFor(Func<bool> condition, TimeSpan patience, Func<string> describe)
    {
        var until = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                Assert.Fail($"not within {patience.TotalSeconds:0} s: {describe()}");
            Thread.Sleep(250);
        }
    }
}

using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Syscalls;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// Runs a program under the supervisor, at home, and ends the way it ended: the same exit code,
/// or killed by the same signal.
/// </summary>
internal static class Launch
{
    public static int Run(string[] command, MosrunSettings settings)
    {
        SpawnRequest request;
        try
        {
            request = SpawnRequest.WithCurrentEnvironment(ProgramLocator.Resolve(command[0]), command);
        }
        catch (SpawnException e)
        {
            return Fail.With(MosrunCommand.Name, e.Message, e.ShellExitCode);
        }
        if (settings.QueuePriority is not { } priority)
            return Supervised(request, settings, command[0], afterStart: null);
        var (node, slot, exit) = QueueWait.Wait(priority, Path.GetFileName(command[0]), settings.Placement.MemoryBytes);
        if (exit is { } code)
            return code;
        try
        {
            return Supervised(request, settings with { StartOn = node is { Length: > 0 } ? node : null, Force = true }, command[0], afterStart: null);
        }
        finally
        {
            slot!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Starts <paramref name="request"/>, lets <paramref name="afterStart"/> prepare it (a restore),
    /// then supervises it to the end with checkpoints available; returns mosrun's exit code.
    /// </summary>
    public static int Supervised(SpawnRequest request, MosrunSettings settings, string shownName, Func<Supervisor, int?>? afterStart)
    {
        StreamWriter? log;
        try
        {
            log = settings.SyscallLog is null ? null : new StreamWriter(settings.SyscallLog, append: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail.With(MosrunCommand.Name, $"cannot write the syscall log: {e.Message}", 1);
        }

        ExitOutcome outcome;
        string? endedInto;
        using (log)
        {
            var options = new SupervisorOptions
            {
                Policy = log is null ? TrapPolicy.Home : TrapPolicy.LogAll,
                SyscallLog = log,
                EventLog = DebugLog.FromEnvironment(complain: problem => Console.Error.WriteLine($"mosrun: {problem}")),
                StandsInForProgram = true,
            };
            Supervisor supervisor;
            try
            {
                supervisor = Supervisor.Start(request, options);
            }
            catch (SpawnException e)
            {
                return Fail.With(MosrunCommand.Name, e.Message, e.ShellExitCode);
            }
            catch (InvalidOperationException e)
            {
                return Fail.With(MosrunCommand.Name, e.Message, 1);
            }
            if (afterStart?.Invoke(supervisor) is { } failed)
                return failed;

            using var session = new MosrunSession(supervisor, settings.NamesFor(supervisor.RootPid), settings.CheckpointEvery, settings.Unserved, settings.Placement.Job);
            if (settings.StartOn is { } place && StartPlace.MoveAtStart(session, supervisor, place, settings.Force, settings.Placement.MemoryBytes) is { } refused)
            {
                supervisor.SignalAll(Signals.SIGKILL); // the children it may have started already too
                session.Completion.GetAwaiter().GetResult();
                return refused;
            }
            // Registered once it is where it starts: placement then sees it there from the first
            // round (and counts a queued job's load as arrived), and never moves it mid-start.
            using var registration = AgentRegistration.Start(supervisor.RootPid, settings.Placement);
            outcome = session.Completion.GetAwaiter().GetResult();
            endedInto = session.EndedInto;
        }

        if (outcome.ExecErrno != 0)
        {
            var failure = new SpawnException(shownName, outcome.ExecErrno);
            return Fail.With(MosrunCommand.Name, failure.Message, failure.ShellExitCode);
        }
        if (endedInto is not null && outcome.Signal == Signals.SIGKILL)
        {
            Console.Error.WriteLine($"mosrun: checkpointed to {endedInto} and ended; restart it with: mosrun -R {endedInto}");
            return 0;
        }
        if (outcome.Signal != 0)
            ProcessSetup.DieBySignal(outcome.Signal);
        return outcome.ExitCode;
    }
}

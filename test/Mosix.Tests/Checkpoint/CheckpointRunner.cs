using Mosix.Tests.Harness;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// Runs the pieces of a checkpoint test in one scratch folder, all as one user with one environment: the native
/// run (the oracle), <c>mosrun -C BASE PROGRAM</c>, <c>migrate PID ACTION</c>, <c>mosrun -R IMAGE</c> and
/// <c>mosrun -I IMAGE</c>.
/// </summary>
/// <remarks>
/// Every run's working directory is the scratch <c>work/</c> folder, so a program's relative paths (and the
/// files it writes) are the same in all of them; <see cref="ScratchDirectory.Reset"/> empties it between the
/// native and the supervised run. Images go to <c>images/</c> beside it, which a reset keeps and Dispose of
/// the scratch folder deletes. migrate finds a mosrun through the user's runtime folder
/// (<c>$XDG_RUNTIME_DIR/mosix</c>, else <c>/tmp/mosix-UID</c>), so mosrun and migrate must share the
/// environment: they get the same one here.
/// </remarks>
public sealed class CheckpointRunner
{
    private static readonly TimeSpan MigrateTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The programs run for at most 4 s: a restart still running after this is hung.</summary>
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromSeconds(30);

    private readonly ScratchDirectory _scratch;
    private readonly ThrowawayUser? _user;
    private readonly Dictionary<string, string> _environment;

    /// <param name="privateRuntimeDirectory">Set XDG_RUNTIME_DIR to a folder inside the scratch folder, so the
    /// control sockets' folder goes away with it (a throwaway user's <c>/tmp/mosix-UID</c> would outlive it).</param>
    public CheckpointRunner(ScratchDirectory scratch, ThrowawayUser? user = null, bool privateRuntimeDirectory = false)
    {
        _scratch = scratch;
        _user = user;
        _environment = user?.EnvironmentFor(scratch) ?? TestEnvironment.For(scratch.Home, Environment.UserName);
        Directory.CreateDirectory(ImagesDirectory);
        user?.GiveOwnership(ImagesDirectory);
        if (privateRuntimeDirectory)
        {
            string runtime = Path.Combine(scratch.Root, "run");
            Directory.CreateDirectory(runtime);
            File.SetUnixFileMode(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            user?.GiveOwnership(runtime);
            _environment["XDG_RUNTIME_DIR"] = runtime;
        }
    }

    public string ImagesDirectory => Path.Combine(_scratch.Root, "images");

    /// <summary>The <c>-C</c> base: images are <c>BASE.1</c>, <c>BASE.2</c>, ...</summary>
    public string ImageBase => Path.Combine(ImagesDirectory, "img");

    public string Image(int number) => $"{ImageBase}.{number}";

    /// <summary>The program run directly, under <c>wait_status</c> for its exact status.</summary>
    public CommandResult RunNative(IReadOnlyList<string> argv, byte[]? stdin = null) =>
        CommandRunner.Run(argv, Options(stdin: stdin));

    /// <summary>Starts <c>mosrun -C BASE [mosrunOptions] PROGRAM ARGS...</c>.</summary>
    public SupervisedRun StartMosrun(IReadOnlyList<string> argv, IReadOnlyList<string>? mosrunOptions = null, bool keepStdinOpen = false) =>
        new(CommandRunner.Start([RepoPaths.Mosrun, "-C", ImageBase, .. mosrunOptions ?? [], .. argv], Options(keepStdinOpen: keepStdinOpen)));

    /// <summary>Starts <c>mosrun -C BASE [mosrunOptions] -R IMAGE</c>: a restart that can itself be checkpointed.</summary>
    public SupervisedRun StartRestart(string image, IReadOnlyList<string>? mosrunOptions = null) =>
        new(CommandRunner.Start([RepoPaths.Mosrun, "-C", ImageBase, .. mosrunOptions ?? [], "-R", image], Options()));

    /// <summary>
    /// Runs <paramref name="scenario"/> under mosrun until it shows <see cref="CheckpointScenario.MidRunLine"/>,
    /// then <c>migrate PID chkexit</c> with the program's or mosrun's pid, and waits for mosrun to end.
    /// </summary>
    /// <returns>What migrate said, and the run until chkexit (its stdout is the first part of the output).</returns>
    public (CommandResult Migrate, CommandResult Run) RunUntilChkexit(CheckpointScenario scenario, MigrateTarget target = MigrateTarget.Program)
    {
        using SupervisedRun run = StartMosrun(scenario.ResolvedArgv());
        run.WaitForStdout(scenario.MidRunLine);
        CommandResult migrate = Migrate(target == MigrateTarget.Program ? run.ProgramPid : run.MosrunPid, "chkexit");
        return (migrate, run.WaitForExit());
    }

    /// <summary><c>migrate PID ACTION</c>, to its end.</summary>
    public CommandResult Migrate(int pid, string action)
    {
        using RunningCommand migrate = StartMigrate(pid, action);
        return migrate.WaitForExit();
    }

    /// <summary>Starts <c>migrate PID ACTION</c>, for a test that watches the process while migrate works.</summary>
    public RunningCommand StartMigrate(int pid, string action) =>
        CommandRunner.Start([Commands.Migrate, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), action],
            Options() with { Timeout = MigrateTimeout });

    /// <summary><c>mosrun [options] -R IMAGE</c>, to its end.</summary>
    public CommandResult Restart(string image, params string[] mosrunOptions) =>
        CommandRunner.Run([RepoPaths.Mosrun, .. mosrunOptions, "-R", image], Options() with { Timeout = RestartTimeout });

    /// <summary><c>mosrun ARGS...</c> to its end, with nothing added (for -I and for bad usage).</summary>
    public CommandResult Mosrun(params string[] args) => CommandRunner.Run([RepoPaths.Mosrun, .. args], Options());

    /// <summary><c>migrate ARGS...</c> to its end, with nothing added (for bad usage).</summary>
    public CommandResult MigrateRaw(params string[] args) =>
        CommandRunner.Run([Commands.Migrate, .. args], Options() with { Timeout = MigrateTimeout });

    /// <summary>The contents of a file the program wrote in <c>work/</c>, or null if it is not there.</summary>
    public byte[]? ReadWorkFile(string relativePath)
    {
        string path = Path.Combine(_scratch.Work, relativePath);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    /// <summary>Every name in the images folder, hidden temporary files included.</summary>
    public IReadOnlyList<string> ImageFolderEntries() =>
        Directory.EnumerateFileSystemEntries(ImagesDirectory).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToList();

    private RunOptions Options(byte[]? stdin = null, bool keepStdinOpen = false) => new()
    {
        Stdin = stdin,
        KeepStdinOpen = keepStdinOpen,
        WorkingDirectory = _scratch.Work,
        Environment = _environment,
        RunAsPrefix = _user?.CommandPrefix ?? [],
        ExactStatus = true,
    };
}

/// <summary>Which pid migrate is given: both must work.</summary>
public enum MigrateTarget
{
    /// <summary>The program's own pid, as <c>ps</c> shows it.</summary>
    Program,
    /// <summary>The pid of the mosrun that runs it.</summary>
    Mosrun,
}

using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// What a checkpoint cannot carry yet (docs/checkpoint.md). Each check names the first obstacle
/// in words a user can act on.
/// </summary>
internal static class Checkpointability
{
    /// <summary>Throws <see cref="CheckpointRefusedException"/> when <paramref name="pid"/> cannot be checkpointed.</summary>
    /// <param name="forMigration">
    /// A migration's image: descriptors stay open in the deputy at home, whatever they are, so
    /// sockets and pipes are no obstacle.
    /// </param>
    /// <param name="process">Its thread group, as its supervisor knows it (null: /proc alone is asked).</param>
    /// <param name="hasChildren">Whether it has child processes (running, or not yet waited for).</param>
    public static void Check(int pid, ThreadGroup? process, bool hasChildren, IReadOnlyList<Vma> areas, bool forMigration)
    {
        if (process?.WhyNotAlone() is { } alone)
            Refuse(alone);
        int threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        // Every thread goes into the image; each must be one the supervisor holds stopped.
        if (process is not null && threads != process.Tasks.Count)
            Refuse($"it has {threads} threads, {process.Tasks.Count} of them traced");
        // A move leaves the children where they are, with the deputy (still their parent, at home);
        // an image file cannot bring them back to life.
        if (hasChildren && !forMigration)
            Refuse("it has child processes (only a single process can be checkpointed; migrate moves it with its children left at home)");
        if (File.Exists($"/proc/{pid}/timers") && File.ReadAllText($"/proc/{pid}/timers").Length > 0)
            Refuse("it uses POSIX timers (timer_create)");

        foreach (var area in areas)
        {
            if (area.IsVdsoArea || area.Path == "[vsyscall]")
                continue;
            // A move leaves shared memory with the deputy at home (MappingKind.HomeShared).
            if (forMigration && area.StaysAtHome)
                continue;
            // A read-only shared file mapping holds nothing but the file: it is mapped again at restore.
            if (area.Shared && (area.Writable || !area.IsFile))
                Refuse($"it has a shared {(area.Writable ? "writable " : "")}mapping of {Describe(area)}");
            if (area.Path.EndsWith(" (deleted)", StringComparison.Ordinal))
                Refuse($"it maps a deleted file, {area.Path}");
        }
        if (forMigration)
            return;
        // Standard streams are the restarting terminal's; the rest is reopened or made again.
        if (DescriptorSurvey.Of(pid).Obstacle is { } obstacle)
            Refuse(obstacle);
    }

    private static string Describe(Vma area) => area.Path.Length > 0 ? area.Path : $"anonymous memory at 0x{area.Start:x}";

    private static void Refuse(string reason) => throw new CheckpointRefusedException($"cannot checkpoint: {reason}");
}

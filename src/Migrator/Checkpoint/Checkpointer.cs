using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Memory;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Checkpoint;

/// <summary>What a checkpoint wrote.</summary>
/// <param name="Capture">Reading the process: registers, kernel state, memory into the file.</param>
/// <param name="Commit">Writing the metadata, fsync and rename.</param>
public sealed record CheckpointResult(string Path, long PageBytes, long MappedBytes, TimeSpan Capture, TimeSpan Commit)
{
    public TimeSpan Frozen => Capture + Commit;
}

/// <summary>
/// Takes the image of a stopped process, as a checklist. Precondition: the caller runs on the
/// tracer thread, <paramref name="tracee"/> is the process's leader in an interrupt stop, and so
/// is every other thread of it (<see cref="Sandbox.Supervision.Supervisor.WithProcessStopped{T}"/>).
/// </summary>
public static class Checkpointer
{
    /// <param name="tracee">The process, stopped.</param>
    /// <param name="path">The image file to write (atomically: never half-written).</param>
    /// <param name="takenBy">Who asked, for the image's origin.</param>
    /// <param name="forMigration">The image of a migration: descriptors stay with the deputy, none is saved.</param>
    public static CheckpointResult Take(Tracee tracee, string path, string takenBy, bool forMigration = false)
    {
        // The file is created only once the process is known to be checkpointable.
        return Take(tracee, () => ImageWriter.Create(path), takenBy, forMigration);
    }

    /// <summary>
    /// Why a file checkpoint of <paramref name="pid"/> would be refused now, or null; asked while
    /// it runs (/proc only), so that <c>mosrun -A</c> can say so at once.
    /// </summary>
    public static string? Obstacle(int pid, bool hasChildren)
    {
        try
        {
            Checkpointability.Check(pid, process: null, hasChildren, MemoryMap.Read(pid), forMigration: false);
            return null;
        }
        catch (CheckpointRefusedException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // it ended meanwhile: nothing to say
        }
    }

    private static List<Tracee> OtherThreads(Tracee leader) =>
        leader.Group is { } group ? [.. group.Tasks.Where(t => t != leader)] : [];

    /// <summary>Takes the image into whatever <paramref name="openWriter"/> makes (a migration's: the channel).</summary>
    /// <param name="tidAtHome">A guest's: the home tid each of its threads stands for, which the image
    /// names it by, so that it comes home into the deputy thread of that tid.</param>
    public static CheckpointResult Take(Tracee tracee, Func<IImageSink> openWriter, string takenBy, bool forMigration,
        Func<int, int>? tidAtHome = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int pid = tracee.Tid;

        // 1. Refuse before touching anything: the process then goes on as if never asked.
        bool hasChildren = tracee.Group is { } group ? group.Children().Count > 0 : false;
        Checkpointability.Check(pid, tracee.Group, hasChildren, MemoryMap.Read(pid), forMigration);

        // 2. Who it is, and its registers, before anything is injected.
        var image = new ProcessImage
        {
            Origin = CaptureProcess.Origin(pid, takenBy),
            Registers = CaptureProcess.Registers(pid),
            Cwd = CaptureProcess.Cwd(pid),
        };

        // 3. Kernel state only the process itself can be asked for.
        CaptureKernelState.Captured state;
        using (var remote = RemoteSyscalls.Enter(tracee))
        {
            state = CaptureKernelState.Read(remote);
            if (!forMigration)
                image.Files.AddRange(DescriptorSurvey.Of(pid).Capture(remote));
        }
        image.Signals = state.Signals;
        image.Thread = state.Thread;
        image.Itimers.AddRange(state.Itimers);
        image.Layout = CaptureProcess.Layout(pid, state.Brk);
        // The other threads, each at the same moment (the whole process is held).
        foreach (var thread in OtherThreads(tracee))
            image.Threads.Add(CaptureThread.Read(pid, thread, tidAtHome?.Invoke(thread.Tid) ?? thread.Tid));

        // 4. Memory: the map again (the injection's scratch area is gone); the layout (all of the
        // image but the page runs) to the writer, then the pages.
        var areas = MemoryMap.Read(pid);
        image.Vdso = CaptureProcess.Vdso(areas);
        var plan = CaptureMemory.Plan(areas, forMigration);
        image.Mappings.AddRange(plan.Select(p => p.Mapping));
        if (forMigration)
            MappedFileHashes.Add(image.Mappings);
        using var writer = openWriter();
        writer.Begin(image.Clone());
        using (var memory = new CaptureMemory(pid, writer))
            memory.Write(plan);

        // 5. Metadata after the pages, fsync, rename into place.
        var capture = clock.Elapsed;
        writer.Commit(image);
        long mapped = image.Mappings.Sum(m => (long)(m.End - m.Start));
        return new CheckpointResult(writer.FinalPath, writer.PageBytes, mapped, capture, clock.Elapsed - capture);
    }
}

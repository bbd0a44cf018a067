using System.Runtime.InteropServices;
using Mosix.Migrator.Images;
using Mosix.Sandbox.Injection;
using Mosix.Sandbox.Supervision;
using Mosix.Sandbox.Tracing;

namespace Mosix.Migrator.Restore;

/// <summary>
/// Turns a stopped tracee (the restorer stub, or later the deputy) into the process of an image,
/// stage by stage (<see cref="RestoreStage"/>). Precondition: called on the tracer thread with the
/// tracee in an interrupt stop; on failure the tracee is beyond use and must be killed.
/// </summary>
public static class Restorer
{
    /// <summary>Restores an image file (a checkpoint's, or one received whole).</summary>
    /// <param name="supervisor">The tracee's supervisor, which takes in the threads the restore makes;
    /// needed only for an image with more than one thread.</param>
    public static void Restore(Tracee tracee, ImageReader image, RestoreOptions options, Supervisor? supervisor = null) =>
        Restore(tracee, image.Metadata, pages => pages.FromImage(image), options, supervisor);


    /// <summary>
    /// Restores an image whose pages come from <paramref name="writePages"/>, called once the
    /// address space is mapped (writable) and before protections are set: a migration's pages as
    /// they arrive (<see cref="PageWriter"/>). <paramref name="metadata"/> needs no page runs.
    /// </summary>
    /// <param name="ids">Filled with each thread's tid here and its tid in the image (a guest's, whose program sees home's).</param>
    public static void Restore(Tracee tracee, ProcessImage metadata, Action<PageWriter> writePages, RestoreOptions options,
        Supervisor? supervisor = null, Sandbox.Forwarding.ThreadIds? ids = null)
    {
        var proven = RestoreValidation.Check(metadata, options);
        if (ThreadRestorer.ToMake(tracee, metadata) > 0 && supervisor is null)
            throw new RestoreException(RestoreStage.Validate, $"the image has {metadata.Threads.Count + 1} threads, and this restore can make only one");
        if (ThreadRestorer.Mismatch(tracee, metadata) is { } mismatch)
            throw new RestoreException(RestoreStage.Validate, mismatch);
        // Away from home the mapped files are this node's copies: the same kernel build is a
        // precondition of the cluster (DESIGN.md); that each copy holds home's bytes is proven by hash.
        var stage = RestoreStage.ClearAddressSpace;
        try
        {
            using (var remote = RemoteSyscalls.Enter(tracee))
            {
                var space = new AddressSpaceBuilder(remote, metadata, proven, options.HostsGuest);
                space.Clear();
                stage = RestoreStage.PlaceVdso;
                space.PlaceVdso();

                stage = RestoreStage.MapMemory;
                using var scratch = RemoteScratch.Map(remote, 64 * 1024, space.FreeGap(64 * 1024));
                var kernel = new KernelStateRestorer(remote, scratch, metadata);
                kernel.BlockAllSignals();
                space.Map(scratch);
                stage = RestoreStage.WritePages;
                writePages(new PageWriter(tracee.Tid, space));
                stage = RestoreStage.Protect;
                space.Protect();

                stage = RestoreStage.Layout;
                kernel.Layout();
                stage = RestoreStage.Files;
                if (options.ReopenFiles)
                    kernel.Files(options);
                stage = RestoreStage.KernelState;
                kernel.SignalsAndThread(options.KeepThreadIds);
                kernel.Timers();
                stage = RestoreStage.Threads;
                var threads = new ThreadRestorer(remote, scratch, metadata, supervisor, options.KeepThreadIds, ids);
                threads.Create();
                stage = RestoreStage.Registers;
                kernel.PendingSignals();
                threads.PendingSignals();
                threads.Registers();
            }
            // The tracee now sits at the step trap of the last injected call: loading the image's
            // registers here lets the kernel restart an interrupted call as it would have.
            ExtendedState.SetSignalMask(tracee.Tid, metadata.Signals.Blocked);
            var regs = MemoryMarshal.Read<UserRegs>(metadata.Registers.UserRegs.Span);
            Sandbox.Tracing.Registers.Set(tracee.Tid, regs);
            ExtendedState.SetXState(tracee.Tid, metadata.Registers.Xstate.Span);
        }
        catch (RestoreException)
        {
            throw;
        }
        catch (Exception e) when (e is not TraceeGoneException)
        {
            throw new RestoreException(stage, e.Message, e);
        }
    }
}

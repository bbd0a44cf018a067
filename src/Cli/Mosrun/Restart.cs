using Mosix.Migrator.Images;
using Mosix.Migrator.Restore;
using Mosix.Sandbox.Spawning;
using Mosix.Sandbox.Supervision;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// <c>mosrun -R FILE</c>: starts the restorer stub under the supervisor, rebuilds the image inside
/// it, and from then on supervises it as any program (it can be checkpointed again).
/// </summary>
internal static class Restart
{
    private const string StubName = "mosix-restore";

    public static int Run(string imagePath, MosrunSettings settings)
    {
        ImageReader image;
        try
        {
            image = ImageReader.Open(imagePath);
        }
        catch (ImageException e)
        {
            return Fail.With(MosrunCommand.Name, e.Message, 1);
        }
        using (image)
        {
            string stub = Path.Combine(AppContext.BaseDirectory, StubName);
            if (!File.Exists(stub))
                return Fail.With(MosrunCommand.Name, $"{stub} is missing; run ./build.sh", 1);
            var request = SpawnRequest.WithCurrentEnvironment(stub, [image.Metadata.Origin.Comm]);
            return Launch.Supervised(request, settings, imagePath, supervisor => RestoreInto(supervisor, image, settings));
        }
    }

    /// <summary>Null when the stub has become the image's process; else mosrun's exit code.</summary>
    private static int? RestoreInto(Supervisor supervisor, ImageReader image, MosrunSettings settings)
    {
        try
        {
            supervisor.Executed.GetAwaiter().GetResult();
            supervisor.WithStopped(supervisor.RootPid, tracee =>
            {
                Restorer.Restore(tracee, image, new RestoreOptions(settings.Reopen), supervisor);
                return 0;
            }).GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e) // the boundary: any failure is one line for the user
        {
            supervisor.SignalRoot(Signals.SIGKILL);
            supervisor.Completion.GetAwaiter().GetResult();
            return Fail.With(MosrunCommand.Name, e is RestoreException ? e.Message : $"cannot restore {image.Path}: {e.Message}", 1);
        }
    }
}

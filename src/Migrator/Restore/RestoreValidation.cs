using Mosix.Migrator.Images;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Restore;

/// <summary>What must hold before a restore touches anything.</summary>
internal static class RestoreValidation
{
    public static void Check(ProcessImage image, RestoreOptions options)
    {
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        if (image.Origin.Kernel != kernel)
            Fail($"the image was taken on kernel {image.Origin.Kernel}, this is {kernel}; the vDSO and system-call ABI must match");

        foreach (var mapping in image.Mappings.Where(m => m.Kind is MappingKind.File or MappingKind.SharedFile))
        {
            // A guest's image is home's word: it may name only what anybody here may read, and
            // must say which version of it (size, modification time) it expects.
            if (options.HostsGuest && (mapping.File is null || !HostFiles.AnybodyMayRead(mapping.Path)))
                Fail($"{mapping.Path}, mapped by the process, is not a file that every user of this node may read");
            var now = FileStat.Of(mapping.Path);
            if (now is null)
                Fail($"{mapping.Path}, mapped by the process, is gone");
            else if (mapping.File is { } then && ((options.SameNode && now.Value.Inode != then.Inode) || (ulong)now.Value.Size != then.Size || now.Value.MtimeNs != then.MtimeNs))
                Fail($"{mapping.Path} has changed since the checkpoint");
        }
    }

    private static void Fail(string message) => throw new RestoreException(RestoreStage.Validate, message);
}

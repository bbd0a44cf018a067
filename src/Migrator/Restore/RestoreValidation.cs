using Mosix.Migrator.Images;
using Mosix.Sandbox.Forwarding;
using Mosix.Sandbox.Interop;

namespace Mosix.Migrator.Restore;

/// <summary>What must hold before a restore touches anything.</summary>
internal static class RestoreValidation
{
    /// <summary>Fails the restore unless it may go ahead; with ProveMappedFiles, the version of each mapped file proven home's, by path.</summary>
    public static IReadOnlyDictionary<string, FileStat.Version>? Check(ProcessImage image, RestoreOptions options)
    {
        string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        if (image.Origin.Kernel != kernel)
            Fail($"the image was taken on kernel {image.Origin.Kernel}, this is {kernel}; the vDSO and system-call ABI must match");

        foreach (var mapping in image.Mappings.Where(m => m.Kind is MappingKind.File or MappingKind.SharedFile))
        {
            // A guest's image is home's word: it may name only what anybody here may read, and
            // must say which version of it (size, modification time) it expects.
            if (options.HostsGuest && (mapping.File is null || !Sandbox.Forwarding.NodeCopies.AnybodyMayRead(mapping.Path)))
                Fail($"{mapping.Path}, mapped by the process, is not a file that every user of this node may read");
            var now = FileStat.Of(mapping.Path);
            if (now is null)
                Fail($"{mapping.Path}, mapped by the process, is gone");
            else if (mapping.File is { } then && ((options.SameNode && now.Value.Inode != then.Inode) || (ulong)now.Value.Size != then.Size || now.Value.MtimeNs != then.MtimeNs))
                Fail($"{mapping.Path} has changed since the checkpoint");
        }
        return options.ProveMappedFiles ? ProveMappedFiles(image) : null;
    }

    /// <summary>
    /// Away from home, a file mapping is restored from this node's copy, and the pages the file
    /// backs are not in the image: the copy must hold home's bytes, by hash, and be one anybody
    /// here may read (NodeCopies). Otherwise the move fails: the process stays home.
    /// </summary>
    private static Dictionary<string, FileStat.Version> ProveMappedFiles(ProcessImage image)
    {
        var proven = new Dictionary<string, FileStat.Version>();
        foreach (var mapping in image.Mappings.Where(m => m.Kind is MappingKind.File or MappingKind.SharedFile))
        {
            if (proven.ContainsKey(mapping.Path))
                continue;
            if (mapping.File is not { Sha256.IsEmpty: false } home || NodeCopies.Proven(mapping.Path, home.Sha256.ToByteArray()) is not { } version)
                Fail($"{mapping.Path}, mapped by the process, is not home's copy here (or not one anybody may read)");
            else
                proven[mapping.Path] = version;
        }
        return proven;
    }

    private static void Fail(string message) => throw new RestoreException(RestoreStage.Validate, message);
}

using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mosix.Sandbox.Interop;

/// <summary>
/// Finds libmosix.so: beside the application (bin/, where build.sh puts both), or in the
/// nearest <c>bin/</c> above it (test runs from test/.../bin/Release).
/// </summary>
internal static class NativeLibraryResolver
{
    private const string FileName = "libmosix.so";

#pragma warning disable CA2255 // a module initializer is the one place that runs before any P/Invoke
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libmosix")
            return 0;
        foreach (var candidate in Candidates())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
                return handle;
        }
        throw new DllNotFoundException(
            $"{FileName} was not found beside {AppContext.BaseDirectory} or in a bin/ folder above it; run ./build.sh");
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("MOSIX_LIBDIR") is { Length: > 0 } dir)
            yield return Path.Combine(dir, FileName);
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            yield return Path.Combine(folder.FullName, FileName);
            yield return Path.Combine(folder.FullName, "bin", FileName);
        }
    }
}

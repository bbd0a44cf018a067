using System.Reflection;
using System.Text;

namespace Mosix.Sandbox.Syscalls;

public static partial class SyscallTable
{
    /// <summary>The text of docs/syscalls.md, rendered from the table so the two never disagree.</summary>
    public static string RenderMarkdown()
    {
        var md = new StringBuilder();
        md.Append("""
            # System calls

            Generated from `src/Sandbox/Syscalls/SyscallTable.*.cs` by `SyscallTable.RenderMarkdown()`;
            edit the table, not this page. Every x86-64 system call of Linux 6.18 is listed once
            (numbers 336 to 423 do not exist on x86-64).

            A process runs at home under its supervisor; when it migrates, an incarnation runs on
            another node while the home process stays behind, frozen, as its deputy. The class of a
            call says where it is served. **local** calls touch only the process's own memory,
            clocks, signals or scheduling: they run natively at home and on a remote node alike.
            **virtual** calls ask who the process is: native at home; elsewhere they are answered
            from the home identity the image carries, so pids and ids never change. **home** calls
            need the home node's kernel objects (descriptors, paths, terminal, sockets, relatives):
            native at home; elsewhere forwarded to the deputy and executed inside it. **bring-home**
            calls cannot be served away from home (new processes, exec, memory shared with home
            objects): native at home; elsewhere the process migrates home first and the call
            proceeds there. **refused** calls are never served to a guest (other processes'
            memory, mounts, modules, the node itself): a guest gets the listed error and the call is
            logged; at home they follow the supervision policy. The seccomp filter of each
            incarnation is generated from this table, so only the calls that need the supervisor stop.

            Arguments: `int`, `fd`, `ptr` (irregular data, left to a handler), `path`, `str`;
            `in`, `out` and `inout` are buffers the kernel reads, writes, or both, sized by an argument
            (`[arg2]`) or fixed by the ABI (`[144]` bytes); `iovec-in` and `iovec-out` are iovec arrays
            with their count in an argument. Argument numbers are 0-based.


            """);

        md.Append("| class | calls |\n| --- | ---: |\n");
        foreach (var cls in Enum.GetValues<SyscallClass>())
            md.Append($"| {ClassName(cls)} | {All.Count(e => e.Class == cls)} |\n");
        md.Append($"| all | {All.Count} |\n\n");

        md.Append("| number | name | class | arguments | note |\n| ---: | --- | --- | --- | --- |\n");
        foreach (var e in All)
        {
            var cls = e.Class == SyscallClass.Refused ? $"refused ({ErrnoName(e.Errno)})"
                : e.OnPlainFileDirect ? $"{ClassName(e.Class)} (direct on plain files)"
                : ClassName(e.Class);
            var args = e.Args.Count == 0 ? "none" : string.Join(", ", e.Args.Select(Render));
            var note = (e.Note ?? "").Replace("|", "\\|", StringComparison.Ordinal);
            md.Append($"| {e.Number} | `{e.Name}` | {cls} | {args} | {note} |\n");
        }
        return md.ToString();
    }

    private static string ClassName(SyscallClass cls) => cls switch
    {
        SyscallClass.BringHome => "bring-home",
        _ => cls.ToString().ToLowerInvariant(),
    };

    private static string Render(ArgShape arg)
    {
        var size = arg.SizeArg >= 0 ? $"[arg{arg.SizeArg}]" : $"[{arg.FixedSize}]";
        return arg.Kind switch
        {
            ArgKind.Int => "int",
            ArgKind.Fd => "fd",
            ArgKind.Pointer => "ptr",
            ArgKind.Path => "path",
            ArgKind.String => "str",
            ArgKind.In => "in" + size,
            ArgKind.Out => "out" + size,
            ArgKind.OutCounted => "out" + size + " (as many bytes as returned)",
            ArgKind.InOut => "inout" + size,
            ArgKind.IoVecIn => "iovec-in" + size,
            ArgKind.IoVecOut => "iovec-out" + size,
            ArgKind.OutArray => $"out[arg{arg.SizeArg} x {arg.FixedSize}] (as many as returned)",
            ArgKind.InOutArray => $"inout[arg{arg.SizeArg} x {arg.FixedSize}]",
            _ => arg.Kind.ToString(),
        };
    }

    private static string ErrnoName(int errno) =>
        typeof(Interop.Errno).GetFields(BindingFlags.Public | BindingFlags.Static)
            .FirstOrDefault(f => f.IsLiteral && f.GetRawConstantValue() is int v && v == errno)?.Name
        ?? errno.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

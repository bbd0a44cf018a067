using System.Globalization;
using Mosix.Sandbox.Memory;

namespace Mosix.Sandbox.Injection;

/// <summary>
/// Finds a <c>syscall</c> instruction in a tracee to point its instruction pointer at while
/// injecting. The vDSO has some (the fallbacks of clock_gettime and friends), is mapped in every
/// process, and is never written by the program, so other threads are never disturbed.
/// </summary>
public static class SyscallInstruction
{
    /// <summary>
    /// The address of a <c>syscall</c> (0f 05) that really is an instruction: the one right after a
    /// <c>mov $imm32, %eax</c> (b8 xx xx 00 00), as the vDSO's fallback paths are compiled.
    /// </summary>
    public static ulong Find(int pid)
    {
        var (start, end) = VdsoRange(pid) ?? throw new NotSupportedException($"process {pid} has no vDSO to inject system calls through");
        var text = new byte[end - start];
        if (!ProcessMemory.TryRead(pid, start, text))
            throw new NotSupportedException($"cannot read the vDSO of process {pid}");
        for (int i = 0; i + 7 <= text.Length; i++)
        {
            if (text[i] == 0xb8 && text[i + 3] == 0 && text[i + 4] == 0 && text[i + 5] == 0x0f && text[i + 6] == 0x05)
                return start + (ulong)i + 5;
        }
        throw new NotSupportedException($"no syscall instruction found in the vDSO of process {pid}");
    }

    private static (ulong Start, ulong End)? VdsoRange(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/maps"))
        {
            if (!line.EndsWith("[vdso]", StringComparison.Ordinal))
                continue;
            var range = line.AsSpan(0, line.IndexOf(' '));
            int dash = range.IndexOf('-');
            return (ulong.Parse(range[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    ulong.Parse(range[(dash + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return null;
    }
}

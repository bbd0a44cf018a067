using Mosix.Sandbox.Interop;

namespace Mosix.Tests.Sandbox;

/// <summary>
/// Runs a classic-BPF seccomp program over a struct seccomp_data, the way the kernel does, for
/// the few instructions our generator emits. Anything else fails loudly.
/// </summary>
internal static class BpfInterpreter
{
    public static uint Run(SockFilter[] program, uint arch, uint nr, params ulong[] args)
    {
        uint accumulator = 0;
        for (int pc = 0, steps = 0; pc < program.Length; pc++, steps++)
        {
            if (steps > program.Length)
                throw new InvalidOperationException("the program loops");
            var insn = program[pc];
            switch (insn.Code)
            {
                case 0x20: // ld [k]
                    accumulator = insn.K switch
                    {
                        0 => nr,
                        4 => arch,
                        >= 16 and < 64 when insn.K % 4 == 0 => ArgWord(args, insn.K),
                        _ => throw new InvalidOperationException($"load of offset {insn.K}"),
                    };
                    break;
                case 0x05: pc += (int)insn.K; break; // ja
                case 0x15: pc += accumulator == insn.K ? insn.JumpTrue : insn.JumpFalse; break;
                case 0x25: pc += accumulator > insn.K ? insn.JumpTrue : insn.JumpFalse; break;
                case 0x35: pc += accumulator >= insn.K ? insn.JumpTrue : insn.JumpFalse; break;
                case 0x06: return insn.K; // ret
                default: throw new InvalidOperationException($"unexpected opcode 0x{insn.Code:x}");
            }
        }
        throw new InvalidOperationException("the program ran off its end");
    }

    /// <summary>A 32-bit word of seccomp_data.args (u64 each, from offset 16, little-endian); absent arguments are 0.</summary>
    private static uint ArgWord(ulong[] args, uint offset)
    {
        int index = (int)(offset - 16) / 8;
        ulong value = index < args.Length ? args[index] : 0;
        return (offset - 16) % 8 == 0 ? (uint)value : (uint)(value >> 32);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Mosix.Migrator.Images;

/// <summary>CRC-32C (Castagnoli, RFC 3720 section 12.1), computed incrementally.</summary>
/// <remarks>
/// <para>Reflected polynomial 0x82F63B78, register preset to all ones, result inverted: the CRC that
/// iSCSI, ext4 and SSE 4.2's <c>crc32</c> instruction use. <c>Compute("123456789"u8)</c> is 0xE3069283.</para>
/// <para>Speed matters: a 1 GiB checkpoint is checksummed while it is written and again when it is
/// restored. The <c>crc32</c> instruction has a latency of 3 cycles but a throughput of one per cycle, so
/// one dependent chain would use a third of the unit. The hardware path therefore runs three independent
/// chains over three adjacent blocks and joins them: a CRC register is linear over GF(2), so the register
/// after blocks A then B is <c>shift(reg(A), |B|) xor reg0(B)</c>, where reg0 starts from zero and
/// <c>shift</c> feeds |B| zero bytes. Shifting by a fixed length is itself linear in the 32 register bits,
/// so it is four table look-ups (<see cref="BuildShiftTable"/>). Without SSE 4.2, a slicing-by-8 table
/// does 8 bytes per step.</para>
/// </remarks>
public sealed class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // reflected 0x1EDC6F41

    // Block lengths for the three interleaved chains: LongBlock for the bulk (two joins per 24 KiB), ShortBlock
    // for what is left. Both multiples of 8.
    private const int LongBlock = 8192, ShortBlock = 256;

    /// <summary>Slicing-by-8: table k maps a byte to its register contribution k bytes before the end of an
    /// 8-byte word. Table 0 is the classic byte table.</summary>
    private static readonly uint[] s_slices = BuildSlices();

    private static readonly uint[] s_shiftLong = BuildShiftTable(LongBlock);
    private static readonly uint[] s_shiftShort = BuildShiftTable(ShortBlock);

    private uint _register = ~0u;

    /// <summary>Whether this machine takes the SSE 4.2 path.</summary>
    public static bool IsHardwareAccelerated => Sse42.X64.IsSupported;

    /// <summary>The CRC of everything appended so far.</summary>
    public uint Value => ~_register;

    public void Append(ReadOnlySpan<byte> data) => _register = Update(_register, data);

    public void Reset() => _register = ~0u;

    /// <summary>The CRC-32C of <paramref name="data"/> alone.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(~0u, data);

    /// <summary>Feeds <paramref name="data"/> through the raw register (no preset, no final inversion).</summary>
    internal static uint Update(uint register, ReadOnlySpan<byte> data) =>
        Sse42.X64.IsSupported ? UpdateHardware(register, data) : UpdateSoftware(register, data);

    internal static uint UpdateHardware(uint register, ReadOnlySpan<byte> data)
    {
        if (!Sse42.X64.IsSupported)
            throw new PlatformNotSupportedException("SSE 4.2 is not available");
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length, i = 0;
        ulong crc = register;

        while (length - i >= 3 * LongBlock)
        {
            crc = ThreeChains(crc, ref Unsafe.Add(ref p, i), LongBlock, s_shiftLong);
            i += 3 * LongBlock;
        }
        while (length - i >= 3 * ShortBlock)
        {
            crc = ThreeChains(crc, ref Unsafe.Add(ref p, i), ShortBlock, s_shiftShort);
            i += 3 * ShortBlock;
        }
        for (; length - i >= 8; i += 8)
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        uint crc32 = (uint)crc;
        for (; i < length; i++)
            crc32 = Sse42.Crc32(crc32, Unsafe.Add(ref p, i));
        return crc32;
    }

    /// <summary>One step of the hardware path: three chains over blocks A, B, C of <paramref name="block"/>
    /// bytes each, joined as shift(shift(A) ^ B) ^ C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ThreeChains(ulong crc, ref byte start, int block, uint[] shift)
    {
        ulong crc1 = 0, crc2 = 0;
        ref byte b = ref Unsafe.Add(ref start, block);
        ref byte c = ref Unsafe.Add(ref start, 2 * block);
        for (nint j = 0; j < block; j += 8)
        {
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, j)));
            crc1 = Sse42.X64.Crc32(crc1, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, j)));
            crc2 = Sse42.X64.Crc32(crc2, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref c, j)));
        }
        crc = Shift(shift, (uint)crc) ^ crc1;
        return Shift(shift, (uint)crc) ^ crc2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint[] table, uint crc)
    {
        ref uint t = ref MemoryMarshal.GetArrayDataReference(table);
        return Unsafe.Add(ref t, (int)(crc & 0xFF))
            ^ Unsafe.Add(ref t, 256 + (int)((crc >> 8) & 0xFF))
            ^ Unsafe.Add(ref t, 512 + (int)((crc >> 16) & 0xFF))
            ^ Unsafe.Add(ref t, 768 + (int)(crc >> 24));
    }

    internal static uint UpdateSoftware(uint register, ReadOnlySpan<byte> data)
    {
        ref uint t = ref MemoryMarshal.GetArrayDataReference(s_slices);
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length, i = 0;
        uint crc = register;
        for (; length - i >= 8; i += 8)
        {
            // Little-endian: the first byte of the word is the lowest, and has 7 bytes still to go after it.
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)) ^ crc;
            crc = Unsafe.Add(ref t, 7 * 256 + (int)(word & 0xFF))
                ^ Unsafe.Add(ref t, 6 * 256 + (int)((word >> 8) & 0xFF))
                ^ Unsafe.Add(ref t, 5 * 256 + (int)((word >> 16) & 0xFF))
                ^ Unsafe.Add(ref t, 4 * 256 + (int)((word >> 24) & 0xFF))
                ^ Unsafe.Add(ref t, 3 * 256 + (int)((word >> 32) & 0xFF))
                ^ Unsafe.Add(ref t, 2 * 256 + (int)((word >> 40) & 0xFF))
                ^ Unsafe.Add(ref t, 1 * 256 + (int)((word >> 48) & 0xFF))
                ^ Unsafe.Add(ref t, (int)(word >> 56));
        }
        for (; i < length; i++)
            crc = Unsafe.Add(ref t, (int)((crc ^ Unsafe.Add(ref p, i)) & 0xFF)) ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildSlices()
    {
        var table = new uint[8 * 256];
        for (uint v = 0; v < 256; v++)
        {
            uint crc = v;
            for (int bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            table[v] = crc;
        }
        for (int k = 1; k < 8; k++)
        {
            for (int v = 0; v < 256; v++)
            {
                uint previous = table[(k - 1) * 256 + v];
                table[k * 256 + v] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }
        return table;
    }

    /// <summary>Four byte tables that together advance a register over <paramref name="zeroBytes"/> zero
    /// bytes: entry [k][v] is the advanced value of the register <c>v &lt;&lt; 8k</c>.</summary>
    private static uint[] BuildShiftTable(int zeroBytes)
    {
        // The operator is linear, so advance the 32 one-bit registers and combine.
        Span<uint> basis = stackalloc uint[32];
        for (int bit = 0; bit < 32; bit++)
        {
            uint crc = 1u << bit;
            for (int n = 0; n < zeroBytes; n++)
                crc = s_slices[crc & 0xFF] ^ (crc >> 8);
            basis[bit] = crc;
        }
        var table = new uint[4 * 256];
        for (int k = 0; k < 4; k++)
        {
            for (int v = 0; v < 256; v++)
            {
                uint shifted = 0;
                for (int bit = 0; bit < 8; bit++)
                {
                    if ((v & (1 << bit)) != 0)
                        shifted ^= basis[8 * k + bit];
                }
                table[k * 256 + v] = shifted;
            }
        }
        return table;
    }
}

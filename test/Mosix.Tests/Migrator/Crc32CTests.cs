using System.Text;
using Mosix.Migrator.Images;
using NUnit.Framework;

namespace Mosix.Tests.Migrator;

/// <summary>CRC-32C against published check values, and the hardware path against the table path.</summary>
[TestFixture]
public sealed class Crc32CTests
{
    // "123456789" is the catalogue check value; the 32-byte vectors are RFC 3720, appendix B.4.
    [TestCase("", 0x00000000u)]
    [TestCase("123456789", 0xE3069283u)]
    [TestCase("zeros", 0x8A9136AAu)]
    [TestCase("ones", 0x62A8AB43u)]
    [TestCase("ascending", 0x46DD794Eu)]
    [TestCase("descending", 0x113FDB5Cu)]
    public void KnownVectors(string name, uint expected)
    {
        byte[] data = name switch
        {
            "zeros" => new byte[32],
            "ones" => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
            "ascending" => Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            "descending" => Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(),
            _ => Encoding.ASCII.GetBytes(name),
        };
        Assert.Multiple(() =>
        {
            Assert.That(Crc32C.Compute(data), Is.EqualTo(expected), "Compute");
            Assert.That(~Crc32C.UpdateSoftware(~0u, data), Is.EqualTo(expected), "table path");
            if (Crc32C.IsHardwareAccelerated)
                Assert.That(~Crc32C.UpdateHardware(~0u, data), Is.EqualTo(expected), "SSE 4.2 path");
        });
    }

    [Test]
    public void HardwareAndSoftwareAgreeOnRandomDataOfOddLengths()
    {
        Assume.That(Crc32C.IsHardwareAccelerated, "this machine has no SSE 4.2");
        var random = new Random(20240611);
        // Lengths around every block boundary of the three-chain path (3 x 256, 3 x 8192), and odd ones.
        var lengths = new List<int> { 1, 7, 8, 9, 767, 768, 769, 24575, 24576, 24577, 49153, 1_000_003 };
        for (int i = 0; i < 200; i++)
            lengths.Add(random.Next(0, 100_000) | 1);
        foreach (int length in lengths)
        {
            byte[] data = new byte[length + 3];
            random.NextBytes(data);
            // An unaligned start too.
            var span = data.AsSpan(random.Next(0, 4), length);
            uint seed = (uint)random.Next();
            Assert.That(Crc32C.UpdateHardware(seed, span), Is.EqualTo(Crc32C.UpdateSoftware(seed, span)), $"length {length}");
        }
    }

    [Test]
    public void AppendingInPiecesEqualsComputingAtOnce()
    {
        var random = new Random(7);
        byte[] data = new byte[200_001];
        random.NextBytes(data);
        var crc = new Crc32C();
        for (int at = 0; at < data.Length;)
        {
            int n = Math.Min(random.Next(0, 30_000), data.Length - at);
            crc.Append(data.AsSpan(at, n));
            at += n;
        }
        Assert.That(crc.Value, Is.EqualTo(Crc32C.Compute(data)));

        crc.Reset();
        crc.Append("123456789"u8);
        Assert.That(crc.Value, Is.EqualTo(0xE3069283u), "after Reset");
    }
}

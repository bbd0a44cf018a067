namespace Mosix.Tests.Harness;

/// <summary>Input files the tests generate: the same bytes on every run (a fixed seed).</summary>
public static class Inputs
{
    /// <summary>About <paramref name="bytes"/> of text lines of words from a small vocabulary: compressible, as a compressor's real input is.</summary>
    public static void WriteCompressible(string path, int bytes)
    {
        var random = new Random(7);
        var words = Enumerable.Range(0, 5000).Select(_ => new string(Enumerable.Range(0, random.Next(2, 10)).Select(_ => (char)('a' + random.Next(10))).ToArray())).ToArray();
        using var writer = new StreamWriter(path);
        for (int written = 0; written < bytes;)
        {
            string line = string.Join(' ', Enumerable.Range(0, 8).Select(_ => words[random.Next(words.Length)]));
            writer.WriteLine(line);
            written += line.Length + 1;
        }
    }
}

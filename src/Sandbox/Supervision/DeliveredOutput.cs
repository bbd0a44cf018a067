namespace Mosix.Sandbox.Supervision;

/// <summary>
/// The bytes a process wrote, per descriptor and in order, that reached a reader a restart does not
/// rewind (a pipe, a terminal, an appended file): what a restart from the image before them must
/// not deliver again (<see cref="OutputReplay"/>).
/// </summary>
/// <remarks>
/// Bounded: past <see cref="Limit"/> bytes in all, nothing more is kept and <see cref="Overflowed"/>
/// says so; what was kept still spares the reader that much. One thread fills it (home's server of a
/// guest's calls), then hands it to the tracer thread, which alone reads it from then on.
/// </remarks>
public sealed class DeliveredOutput(long limit = DeliveredOutput.DefaultLimit)
{
    public const long DefaultLimit = 64L << 20;

    private readonly Dictionary<int, Pending> _byDescriptor = [];
    private long _kept;

    public long Limit { get; } = limit;

    /// <summary>Some output was not kept: a restart delivers that part again.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Nothing is left to hold back.</summary>
    public bool IsEmpty => _byDescriptor.Count == 0;

    /// <summary>Descriptors with bytes still to hold back.</summary>
    public IEnumerable<int> Descriptors => _byDescriptor.Keys;

    /// <summary>Keeps <paramref name="bytes"/>, written to <paramref name="fd"/> after all kept so far.</summary>
    public void Append(int fd, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || Overflowed)
            return;
        if (_kept + bytes.Length > Limit)
        {
            // Keeping a later write after dropping this one would misalign the comparison: stop here.
            Overflowed = true;
            return;
        }
        if (!_byDescriptor.TryGetValue(fd, out var pending))
            _byDescriptor[fd] = pending = new Pending();
        pending.Chunks.Enqueue(bytes.ToArray());
        pending.Remaining += bytes.Length;
        _kept += bytes.Length;
    }

    /// <summary>How many bytes are still kept for <paramref name="fd"/> (0: none).</summary>
    public long Remaining(int fd) => _byDescriptor.TryGetValue(fd, out var pending) ? pending.Remaining : 0;

    /// <summary>
    /// How many leading bytes of <paramref name="written"/> equal the next bytes kept for
    /// <paramref name="fd"/> (at most <see cref="Remaining"/>), starting <paramref name="skip"/>
    /// bytes into what is kept.
    /// </summary>
    public int CommonPrefix(int fd, ReadOnlySpan<byte> written, long skip = 0)
    {
        if (!_byDescriptor.TryGetValue(fd, out var pending))
            return 0;
        int matched = 0;
        long offset = pending.HeadOffset + skip;
        foreach (var chunk in pending.Chunks)
        {
            if (offset >= chunk.Length)
            {
                offset -= chunk.Length;
                continue;
            }
            var rest = chunk.AsSpan((int)offset);
            offset = 0;
            int n = Math.Min(rest.Length, written.Length - matched);
            int same = rest[..n].CommonPrefixLength(written.Slice(matched, n));
            matched += same;
            if (same < n || matched == written.Length)
                break;
        }
        return matched;
    }

    /// <summary>The next <paramref name="count"/> bytes of <paramref name="fd"/> were written again: drops them.</summary>
    public void Consume(int fd, long count)
    {
        if (!_byDescriptor.TryGetValue(fd, out var pending))
            return;
        pending.Remaining -= count;
        count += pending.HeadOffset;
        while (pending.Chunks.TryPeek(out var head) && count >= head.Length)
        {
            count -= head.Length;
            pending.Chunks.Dequeue();
        }
        pending.HeadOffset = (int)count;
        if (pending.Remaining <= 0)
            _byDescriptor.Remove(fd);
    }

    /// <summary>Forgets everything kept for <paramref name="fd"/>: its output differs from now on.</summary>
    public void Drop(int fd) => _byDescriptor.Remove(fd);

    private sealed class Pending
    {
        public Queue<byte[]> Chunks { get; } = new();

        /// <summary>How far into the first chunk the bytes already written again reach.</summary>
        public int HeadOffset { get; set; }

        public long Remaining { get; set; }
    }
}

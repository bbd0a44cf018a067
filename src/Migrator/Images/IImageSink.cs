namespace Mosix.Migrator.Images;

/// <summary>
/// Where a checkpoint goes: an image file (<see cref="ImageWriter"/>), or a migration's channel,
/// where the receiver restores pages as they arrive (<see cref="Migration.StreamedImage"/>).
/// </summary>
/// <remarks>The checkpointer calls <see cref="Begin"/> once, then <see cref="WritePages"/> for every
/// batch (one writer thread at a time), then <see cref="Commit"/>.</remarks>
public interface IImageSink : IDisposable
{
    /// <summary>Where the image goes, for messages and results.</summary>
    string FinalPath { get; }

    /// <summary>Page data written so far, in bytes.</summary>
    long PageBytes { get; }

    /// <summary>Before the first page: the image as far as it is known, which is all of it but the page runs.</summary>
    void Begin(ProcessImage layout);

    /// <summary>Whole pages, packed, and where each run of them belongs in the process, in the same order.</summary>
    void WritePages(ReadOnlySpan<byte> pages, ReadOnlySpan<PageRunAt> runs);

    /// <summary>The whole image: what <see cref="Begin"/> had, with every mapping's page runs.</summary>
    void Commit(ProcessImage metadata);
}

/// <summary><paramref name="Pages"/> pages that belong at <paramref name="Address"/> onwards.</summary>
public readonly record struct PageRunAt(ulong Address, int Pages);

namespace Mosix.Migrator.Images;

/// <summary>An image that cannot be read or written, with a one-line message fit to show the user as it is
/// ("X is truncated", "X is corrupted (checksum mismatch)").</summary>
/// <remarks>Readers and writers turn every failure they foresee into this type, so a command can print the
/// message and exit without a stack trace. The cause, if any, is kept as the inner exception for logs.</remarks>
public sealed class ImageException : Exception
{
    public ImageException(string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        ImagePath = path;
    }

    /// <summary>The image file, as the caller named it.</summary>
    public string ImagePath { get; }
}

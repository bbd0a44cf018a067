namespace Mosix.Sandbox.Forwarding;

/// <summary>
/// What home says of a file the incarnation maps (FileMappingsAway): a sibling of
/// <see cref="IHomeChannel"/>, answered by home itself (not the deputy's kernel). The Shim
/// implements it over the channel; home's side is <see cref="DeputyFiles"/>.
/// </summary>
/// <remarks>Called on the incarnation's tracer thread: implementations block, never await.</remarks>
public interface IHomeFiles
{
    /// <summary>
    /// The deputy's descriptor <paramref name="fd"/>, if it is a regular file open for reading
    /// under a path; null otherwise (the mapping is then made at home, with the kernel's own errors).
    /// </summary>
    HomeFile? Describe(int fd);
}

/// <summary>A file of home's, as home describes it.</summary>
/// <param name="Path">Its path at home (readlink of the descriptor).</param>
/// <param name="Size">Its size.</param>
/// <param name="Sha256">The SHA-256 of its content; null when home did not hash it (too big).</param>
public sealed record HomeFile(string Path, long Size, byte[]? Sha256);

namespace Mosix.Shim.Wire;

/// <summary>
/// The peer broke the framing: an oversized length, a stream cut inside a frame, an unexpected kind
/// or a payload that does not parse. The connection it came on is closed; nothing else is affected.
/// </summary>
public sealed class FrameException(string message) : Exception(message);

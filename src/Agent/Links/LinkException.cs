namespace Mosix.Agent.Links;

/// <summary>A link could not be made or went wrong; the message says why, for one log line.</summary>
public sealed class LinkException(string message) : Exception(message);

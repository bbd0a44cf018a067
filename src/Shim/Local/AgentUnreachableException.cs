namespace Mosix.Shim.Local;

/// <summary>A command could not get an answer from its node's agent; the message is for the user, as is.</summary>
public sealed class AgentUnreachableException(string message) : Exception(message);

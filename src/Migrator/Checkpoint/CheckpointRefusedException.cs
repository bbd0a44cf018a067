namespace Mosix.Migrator.Checkpoint;

/// <summary>
/// The process cannot be checkpointed, for the one-line reason given. Raised before anything is
/// changed: the process keeps running untouched.
/// </summary>
public sealed class CheckpointRefusedException(string reason) : Exception(reason);

namespace Mosix.Migrator.Migration;

/// <summary>A migration could not happen, or a moved process lost its other end; the message is for the user.</summary>
public sealed class MigrationException(string message, Exception? inner = null) : Exception(message, inner);

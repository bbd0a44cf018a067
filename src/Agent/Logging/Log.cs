namespace Mosix.Agent.Logging;

/// <summary>
/// Every log message of the agent, source-generated ([LoggerMessage]), one partial file per area.
/// Event ids are append-only and never reused, so log searches and alerts stay valid:
/// <code>
///   1-19    lifecycle      Log.Lifecycle.cs
///   20-49   links          Log.Links.cs
///   50-69   discovery      Log.Discovery.cs
///   70-89   local control  Log.Control.cs
/// </code>
/// </summary>
internal static partial class Log;

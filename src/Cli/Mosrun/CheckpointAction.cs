namespace Mosix.Cli.Mosrun;

/// <summary>What happens to the process after a checkpoint (migrate's checkpoint, chkstop, chkexit).</summary>
internal enum CheckpointAction
{
    /// <summary>It goes on running.</summary>
    Continue,
    /// <summary>It is stopped (SIGSTOP), as a job is: continue it with fg or kill -CONT.</summary>
    Stop,
    /// <summary>It is ended; the image is all that is left of it.</summary>
    Exit,
}

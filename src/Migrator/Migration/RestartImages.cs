namespace Mosix.Migrator.Migration;

/// <summary>
/// The checkpoints a lost node restarts a process from (mosrun -C, -A): the latest one, and, when
/// they are taken periodically, where the next one goes. A move then takes one as it starts, in the
/// same freeze as the image it sends, so home sees every byte the process writes after its restart
/// point (<see cref="OutputRecorder"/>).
/// </summary>
/// <param name="latest">The latest checkpoint, if any.</param>
/// <param name="next">The path for a new checkpoint (mosrun -A), or null: moves take none.</param>
/// <param name="taken">A checkpoint was taken at a move: it is now the latest.</param>
public sealed class RestartImages(Func<string?> latest, Func<string>? next, Action<string> taken)
{
    private int _refusalTold;

    public string? Latest => latest();

    /// <summary>Moves take a checkpoint first.</summary>
    public bool AtMoves => next is not null;

    public string Next() => (next ?? throw new InvalidOperationException("no checkpoints are taken at moves"))();

    public void Taken(string path) => taken(path);

    /// <summary>True the first time only: a refused checkpoint at a move is told once a run.</summary>
    public bool FirstRefusal() => Interlocked.Exchange(ref _refusalTold, 1) == 0;
}

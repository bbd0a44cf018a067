namespace Mosix.Shim.Wire;

/// <summary>The other side sent a Refusal: it will not talk to us, and said why.</summary>
public sealed class RefusedException(string reason) : Exception($"refused: {reason}")
{
    public string Reason { get; } = reason;
}

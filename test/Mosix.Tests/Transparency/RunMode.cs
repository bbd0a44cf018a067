using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Transparency;

/// <summary>One way of running a program: natively (the oracle) or under one of Mosix's supervisors.</summary>
/// <remarks>
/// Fixtures take a mode as their parameter, so every scenario runs in every mode. When checkpoint-and-restart
/// and migrated-mid-run exist, they are added to <see cref="SupervisedFixtures"/> and every fixture gains them.
/// </remarks>
public sealed class RunMode
{
    private readonly Func<IReadOnlyList<string>, IReadOnlyList<string>> _wrap;

    private RunMode(string name, Func<IReadOnlyList<string>, IReadOnlyList<string>> wrap)
    {
        Name = name;
        _wrap = wrap;
    }

    public static RunMode Native { get; } = new("native", argv => argv);

    /// <summary><c>bin/mosrun PROGRAM ARGS...</c>: supervised at home, never migrated.</summary>
    public static RunMode MosrunAtHome { get; } = new("mosrun", argv => [RepoPaths.Mosrun, .. argv]);

    public string Name { get; }

    public bool IsNative => ReferenceEquals(this, Native);

    /// <summary>Every supervised mode: the fixtures that compare against a native run.</summary>
    public static IEnumerable<TestFixtureData> SupervisedFixtures() => Fixtures(MosrunAtHome);

    /// <summary>Native as well as supervised: for fixtures that assert fixed expectations, which must hold natively too.</summary>
    public static IEnumerable<TestFixtureData> AllFixtures() => Fixtures(Native, MosrunAtHome);

    /// <summary>The command line that runs <paramref name="argv"/> in this mode.</summary>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> argv) => _wrap(argv);

    public override string ToString() => Name;

    private static IEnumerable<TestFixtureData> Fixtures(params RunMode[] modes) =>
        modes.Select(mode => new TestFixtureData(mode).SetArgDisplayNames(mode.Name));
}

using Mosix.Tests.Harness;
using NUnit.Framework;

namespace Mosix.Tests.Checkpoint;

/// <summary>
/// What every checkpoint fixture starts from: no descriptor the programs would inherit and
/// rightly refuse to checkpoint, a scratch folder, and a runner of native and supervised runs in it.
/// </summary>
[NonParallelizable] // the harness adopts and ends orphans, which assumes one command at a time
public abstract class CheckpointFixture
{
    protected ScratchDirectory Scratch { get; private set; } = null!;
    protected CheckpointRunner Runner { get; private set; } = null!;

    [SetUp]
    public void CreateScratch()
    {
        InheritedDescriptors.AssertNoneLeak();
        Scratch = ScratchDirectory.Create();
        Runner = new CheckpointRunner(Scratch);
    }

    [TearDown]
    public void DeleteScratch() => Scratch?.Dispose();
}

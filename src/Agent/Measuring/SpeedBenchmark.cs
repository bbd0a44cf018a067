using System.Diagnostics;

namespace Mosix.Agent.Measuring;

/// <summary>
/// The CPU speed factor: how fast one core runs a fixed integer loop, relative to a reference core
/// (1.0). MOSIX compares nodes by such a factor; only ratios between nodes matter, so the loop is
/// simple and short (about a tenth of a second at start-up), and <c>--speed</c> overrides it.
/// </summary>
public static class SpeedBenchmark
{
    /// <summary>Loop steps per second of the reference core: about one core of a 2.5 GHz x86-64 server from the 2020s.</summary>
    private const double ReferenceStepsPerSecond = 400e6;

    private const int StepsPerRun = 2_000_000;

    /// <summary>The best of many short runs (about 0.1 s in all), rounded to two decimals: on a busy machine the best run is the one no other process interrupted.</summary>
    public static double Measure()
    {
        double best = double.MaxValue;
        ulong sink = 0;
        for (int run = 0; run < 25; run++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += Loop(StepsPerRun, (ulong)run + 1);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        GC.KeepAlive(sink);
        double factor = StepsPerRun / best / ReferenceStepsPerSecond;
        return Math.Round(Math.Clamp(factor, 0.01, 1000), 2);
    }

    /// <summary>xorshift64: dependent integer steps the JIT cannot fold away or vectorise.</summary>
    private static ulong Loop(int steps, ulong x)
    {
        for (int i = 0; i < steps; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return x;
    }
}

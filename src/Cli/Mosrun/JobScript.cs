using System.Diagnostics;

namespace Mosix.Cli.Mosrun;

/// <summary>
/// <c>mosrun -S MAXJOBS FILE[,FAILED]</c>: each line of FILE is a job (a shell command line), run
/// under its own mosrun with the other options given, at most MAXJOBS at a time, in order. Lines
/// whose job fails (non-zero status, or a signal) are written to FAILED, in the order they ended.
/// Blank lines and lines starting with # are skipped.
/// </summary>
internal static class JobScript
{
    public static int Run(int maxJobs, string fileSpec, IReadOnlyList<string> mosrunOptions)
    {
        int comma = fileSpec.IndexOf(',');
        string file = comma < 0 ? fileSpec : fileSpec[..comma];
        string? failedFile = comma < 0 ? null : fileSpec[(comma + 1)..];
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
            if (failedFile is { Length: > 0 })
                File.WriteAllText(failedFile, ""); // made (and emptied) up front: a bad path fails before any job runs
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail.With(MosrunCommand.Name, $"-S: {e.Message}", 1);
        }

        string self = Environment.ProcessPath ?? "mosrun";
        var running = new List<(Process Process, string Line)>();
        int failures = 0;
        foreach (string line in lines)
        {
            while (running.Count >= maxJobs)
                failures += Reap(running, failedFile);
            var start = new ProcessStartInfo(self) { UseShellExecute = false };
            start.ArgumentList.Add(MosrunCommand.Name);
            foreach (string option in mosrunOptions)
                start.ArgumentList.Add(option);
            start.ArgumentList.Add("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(line);
            try
            {
                running.Add((Process.Start(start)!, line));
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
            {
                Console.Error.WriteLine($"mosrun: -S: cannot start '{line}': {e.Message}");
                failures++;
                Record(failedFile, line);
            }
        }
        while (running.Count > 0)
            failures += Reap(running, failedFile);
        if (failures > 0)
            Console.Error.WriteLine($"mosrun: -S: {failures} of {lines.Length} job(s) failed{(failedFile is { Length: > 0 } ? $"; they are listed in {failedFile}" : "")}");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Waits for one job to end; 1 if it failed.</summary>
    private static int Reap(List<(Process Process, string Line)> running, string? failedFile)
    {
        while (true)
        {
            var done = running.FirstOrDefault(r => r.Process.HasExited);
            if (done.Process is not null)
            {
                running.Remove(done);
                bool failed = done.Process.ExitCode != 0;
                done.Process.Dispose();
                if (failed)
                    Record(failedFile, done.Line);
                return failed ? 1 : 0;
            }
            Thread.Sleep(20);
        }
    }

    private static void Record(string? failedFile, string line)
    {
        if (failedFile is { Length: > 0 })
            File.AppendAllText(failedFile, line + "\n");
    }
}

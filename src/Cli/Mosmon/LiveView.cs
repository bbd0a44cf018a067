using Mosix.Cli.Cluster;
using Mosix.Shim.Local;
using Mosix.Shim.Wire.Messages;
using Spectre.Console;

namespace Mosix.Cli.Mosmon;

/// <summary>mosmon's refreshing view. If the agent goes away it says so in the view and keeps asking, as top would.</summary>
internal static class LiveView
{
    public static int Run(StateDirectory node, TimeSpan every)
    {
        var first = AgentCall.View(node); // an agent that is not there at all is an error, not an empty screen
        using var quit = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            quit.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            ClusterView last = first;
            AnsiConsole.Live(ClusterTable.Render(first)).AutoClear(false).Start(context =>
            {
                while (!quit.IsCancellationRequested)
                {
                    if (WaitForQuitKey(every, quit.Token))
                        break;
                    string? problem = null;
                    try
                    {
                        last = AgentCall.View(node);
                    }
                    catch (AgentUnreachableException e)
                    {
                        problem = e.Message;
                    }
                    context.UpdateTarget(ClusterTable.Render(last, problem));
                }
            });
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>Waits <paramref name="span"/>; true when the user pressed q (or Ctrl-C came).</summary>
    private static bool WaitForQuitKey(TimeSpan span, CancellationToken quit)
    {
        var until = DateTime.UtcNow + span;
        while (DateTime.UtcNow < until)
        {
            if (quit.IsCancellationRequested)
                return true;
            while (Console.KeyAvailable)
            {
                if (Console.ReadKey(intercept: true).Key is ConsoleKey.Q or ConsoleKey.Escape)
                    return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }
}

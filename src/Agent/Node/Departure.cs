using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;

namespace Mosix.Agent.Node;

/// <summary>
/// How the agent leaves: on stop (SIGTERM, mosctl shutdown) it tells the nodes it knows goodbye,
/// so they drop it at once instead of after the silence timeout, then closes its links.
/// <see cref="Shutdown"/> is mosctl shutdown: blocked, guests asked out, then stop.
/// </summary>
/// <remarks>Registered before the other hosted services, so it stops after them: the window is final by then.</remarks>
public sealed class Departure(Configuration.AgentOptions options, NodeState node, Dissemination dissemination, IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<Departure> logger) : IHostedService
{
    private static readonly TimeSpan GoodbyePatience = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan GuestPoll = TimeSpan.FromMilliseconds(200);

    public Task StartAsync(CancellationToken cancel) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancel)
    {
        if (services.GetService(typeof(LinkPool)) is LinkPool pool)
        {
            // Everyone who may hold our vector: the window, whoever we gossiped to lately, and the seeds
            // (a node stopped right after joining may have heard from nobody yet).
            var endpoints = dissemination.KnownEndpoints().Concat(pool.Endpoints).Concat(options.Seeds.Select(s => s.ToString()))
                .Where(e => e != options.Advertise?.ToString());
            await pool.SayGoodbyeAsync(endpoints, node.Leaving ? "shutdown" : "agent stopped", GoodbyePatience);
            pool.Stop();
        }
        Log.Stopped(logger);
    }

    /// <summary>Starts leaving; the agent stops once the last guest has left (now: at once, there are none yet).</summary>
    public int Shutdown()
    {
        int guests = node.BeginLeaving();
        _ = Task.Run(async () =>
        {
            // At least one pause first: the reply to mosctl goes out before the control socket closes.
            do
                await Task.Delay(GuestPoll);
            while (node.Guests > 0);
            Log.Stopping(logger, "mosctl shutdown: no guests left");
            lifetime.StopApplication();
        });
        return guests;
    }
}

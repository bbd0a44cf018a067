using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mosix.Agent.Configuration;
using Mosix.Agent.Control;
using Mosix.Agent.Discovery;
using Mosix.Agent.Links;
using Mosix.Agent.Logging;
using Mosix.Agent.Node;
using Mosix.Shim.Security;
using NLog.Extensions.Logging;

namespace Mosix.Agent.Hosting;

/// <summary>
/// Builds and runs the agent: a generic host (SIGTERM and Ctrl-C stop it gracefully), NLog as the
/// log provider, and the services wired by hand where they depend on each other in a circle.
/// </summary>
public static class AgentHost
{
    /// <summary>Runs until stopped; returns the exit code.</summary>
    /// <exception cref="StartupException">A socket could not be made.</exception>
    public static async Task<int> RunAsync(AgentOptions options)
    {
        using var control = Startup.BindControl(options.State);
        using var listening = Startup.BindLinks(options);
        Startup.WritePidFile(options.State);
        try
        {
            using var host = Build(options, control, listening);
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("mosixd");
            try
            {
                await host.StartAsync();
            }
            catch (Exception e)
            {
                Log.Fatal(logger, "start", e.Message, e);
                return 1;
            }
            if (options.Listen is not null)
            {
                Log.Started(logger, AgentVersion.Text, options.Name, options.Listen.ToString(), options.Advertise!.ToString(), options.State.Path, Environment.ProcessId);
                if (options.Seeds.Count > 0)
                    Log.Seeds(logger, string.Join(", ", options.Seeds));
            }
            else
            {
                Log.StartedAlone(logger, AgentVersion.Text, options.Name, options.State.Path, Environment.ProcessId);
            }
            await host.WaitForShutdownAsync();
            return 0;
        }
        finally
        {
            Startup.RemovePidFile(options.State);
            NLog.LogManager.Shutdown();
        }
    }

    private static IHost Build(AgentOptions options, ControlSocket control, ListeningSocket listening)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "mosixd",
            ContentRootPath = options.State.Path,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddNLog(NLogSetup.For(options));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        var services = builder.Services;
        services.AddSingleton(options);
        var nodeState = new NodeState(options.AcceptGuests);
        foreach (var (home, priority) in options.GuestPriorities)
            nodeState.SetPriority(home, priority);
        services.AddSingleton(nodeState);
        services.AddSingleton<IClock, SystemClock>();
        services.AddSingleton(control);
        services.AddSingleton(listening);
        if (options.Credentials is { } credentials)
        {
            services.AddSingleton(new Link.LocalIdentity(options.Name, options.Advertise!.ToString(), new TlsSettings(credentials)));
            services.AddSingleton(sp => new LinkPool(sp.GetRequiredService<Link.LocalIdentity>(), () => sp.GetRequiredService<Dissemination>(), sp.GetRequiredService<ILogger<LinkPool>>()));
            services.AddSingleton<IGossipTransport>(sp => sp.GetRequiredService<LinkPool>());
            services.AddSingleton(sp => new LinkListener(listening, sp.GetRequiredService<Link.LocalIdentity>(), sp.GetRequiredService<Dissemination>(), sp.GetRequiredService<Migration.GuestReception>(), sp.GetRequiredService<ILogger<LinkListener>>()));
        }
        else
        {
            services.AddSingleton<IGossipTransport, NoLinks>();
        }
        services.AddSingleton<Dissemination>();
        services.AddSingleton<Departure>();
        services.AddSingleton<ControlAnswers>();
        services.AddSingleton<Migration.GuestRouting>();
        services.AddSingleton<Migration.GuestReception>();
        services.AddSingleton<ControlServer>();
        services.AddSingleton<Placement.LocalProcesses>();
        services.AddSingleton<Placement.JobQueue>();
        services.AddSingleton<Placement.Balancer>();
        services.AddSingleton<HeldConnections>();

        // Stopped in reverse: links and control first, then the rounds, then Departure says goodbye.
        services.AddHostedService(sp => sp.GetRequiredService<Departure>());
        services.AddHostedService(sp => sp.GetRequiredService<Dissemination>());
        if (options.Credentials is not null)
            services.AddHostedService(sp => sp.GetRequiredService<LinkListener>());
        services.AddHostedService(sp => sp.GetRequiredService<ControlServer>());
        services.AddHostedService(sp => sp.GetRequiredService<Placement.Balancer>());
        services.AddSingleton<Reclaim>();
        services.AddHostedService(sp => sp.GetRequiredService<Reclaim>());
        return builder.Build();
    }
}

using System.CommandLine;
using System.CommandLine.Help;

namespace Mosix.Agent.Configuration;

/// <summary>mosixd's command line: where its state is, and overrides of mosixd.json (docs/agent.md, "Configuration").</summary>
public sealed class AgentCommandLine
{
    private readonly HelpOption _help = new("--help");
    private readonly VersionOption _version = new("--version");
    private readonly Option<string?> _state = new("--state") { Description = "State folder (default: $MOSIX_STATE, else $XDG_STATE_HOME/mosix, else ~/.local/state/mosix)", HelpName = "DIR" };
    private readonly Option<string?> _config = new("--config") { Description = "Configuration file (default: STATE/mosixd.json, if it exists)", HelpName = "FILE" };
    private readonly Option<string?> _name = new("--name") { Description = "Node name (default: the name in the node's certificate, else the host name)" };
    private readonly Option<string?> _listen = new("--listen") { Description = "Where to accept links (default :7471, every address)", HelpName = "HOST:PORT" };
    private readonly Option<string?> _advertise = new("--advertise") { Description = "Where other nodes reach this one (default: the listen address, or HOSTNAME:PORT)", HelpName = "HOST:PORT" };
    private readonly Option<string[]> _seeds = new("--seed") { Description = "A node to join through (repeatable)", HelpName = "HOST:PORT", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
    private readonly Option<double?> _speed = new("--speed") { Description = "CPU speed factor to announce instead of the measured one", HelpName = "FACTOR" };
    private readonly Option<double?> _extraLoad = new("--extra-load") { Description = "Add LOAD to the measured run-queue length (tests, demonstrations)", HelpName = "LOAD" };
    private readonly Option<double?> _interval = new("--interval") { Description = "Seconds between measurements and gossip rounds (default 1)", HelpName = "SECONDS" };
    private readonly Option<double?> _timeout = new("--timeout") { Description = "Seconds of silence after which a node leaves the view (default 10)", HelpName = "SECONDS" };
    private readonly Option<int?> _fanout = new("--fanout") { Description = "Nodes each round's gossip goes to (default 2)", HelpName = "N" };
    private readonly Option<int?> _window = new("--window") { Description = "How many other nodes' vectors to keep (default 64)", HelpName = "N" };
    private readonly Option<bool> _block = new("--block") { Description = "Start blocked: accept no guests until 'mosctl unblock'" };
    private readonly Option<bool> _lstay = new("--lstay") { Description = "Local processes stay: never move this node's processes automatically (migrate still does)" };
    private readonly Option<double?> _memoryReserve = new("--memory-reserve") { Description = "Keep this fraction of a node's memory free: below it, processes move to nodes with room (default 0.1)", HelpName = "FRACTION" };
    private readonly Option<string?> _logLevel = new("--log-level") { Description = "trace, debug, info (default), warning or error", HelpName = "LEVEL" };

    public string? StatePath { get; private set; }

    public string? ConfigPath { get; private set; }

    public AgentConfigFile Overrides { get; } = new();

    /// <summary>The parser's message, without .NET type names: "Cannot parse argument 'x' for option '--speed' as expected type ...".</summary>
    internal static string Plain(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'");
        if (!match.Success)
            return message.TrimEnd('.');
        string kind = match.Groups[3].Value.Contains("Int", StringComparison.Ordinal) ? "a whole number" : "a number";
        return $"{match.Groups[2].Value}: '{match.Groups[1].Value}' is not {kind}";
    }

    /// <summary>Parses <paramref name="args"/>; returns an exit code when mosixd should stop here (help, version, usage error).</summary>
    public int? Parse(string[] args)
    {
        var command = new Command("mosixd", "The Mosix agent: measures this node, gossips with the cluster, answers mosmon, mosps and mosctl.")
        {
            _help, _version, _state, _config, _name, _listen, _advertise, _seeds, _speed, _extraLoad, _interval, _timeout, _fanout, _window, _block, _lstay, _memoryReserve, _logLevel,
        };
        var parsed = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.GetResult(_help) is not null || parsed.GetResult(_version) is not null)
            return parsed.Invoke();
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"mosixd: {Plain(parsed.Errors[0].Message)} (see 'mosixd --help')");
            return 2;
        }
        StatePath = parsed.GetValue(_state);
        ConfigPath = parsed.GetValue(_config);
        Overrides.Name = parsed.GetValue(_name);
        Overrides.Listen = parsed.GetValue(_listen);
        Overrides.Advertise = parsed.GetValue(_advertise);
        Overrides.Seeds = parsed.GetValue(_seeds);
        Overrides.Speed = parsed.GetValue(_speed);
        Overrides.ExtraLoad = parsed.GetValue(_extraLoad);
        Overrides.IntervalSeconds = parsed.GetValue(_interval);
        Overrides.TimeoutSeconds = parsed.GetValue(_timeout);
        Overrides.Fanout = parsed.GetValue(_fanout);
        Overrides.WindowSize = parsed.GetValue(_window);
        Overrides.AcceptGuests = parsed.GetValue(_block) ? false : null;
        Overrides.LocalStay = parsed.GetValue(_lstay) ? true : null;
        Overrides.MemoryReserve = parsed.GetValue(_memoryReserve);
        Overrides.LogLevel = parsed.GetValue(_logLevel);
        return null;
    }
}

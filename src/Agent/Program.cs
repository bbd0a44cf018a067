using Mosix.Agent.Configuration;
using Mosix.Agent.Hosting;
using Mosix.Shim.Local;
using Mosix.Shim.Security;

// mosixd: the Mosix agent (docs/agent.md). Every failure to start is one line on stderr and a
// non-zero exit: 2 for a bad command line or configuration, 1 for anything else.
var commandLine = new AgentCommandLine();
if (commandLine.Parse(args) is { } stopHere)
    return stopHere;

try
{
    var state = StateDirectory.Resolve(commandLine.StatePath).Ensure();
    var file = AgentConfigFile.Load(commandLine.ConfigPath ?? state.ConfigFile, required: commandLine.ConfigPath is not null);
    var credentials = new CredentialFiles(state).LoadNode();
    var options = OptionsBuilder.Build(state, file, commandLine.Overrides, credentials);
    return await AgentHost.RunAsync(options);
}
catch (ConfigurationException e)
{
    return Fail(e.Message, 2);
}
catch (Exception e) when (e is CredentialException or StartupException or IOException or UnauthorizedAccessException)
{
    return Fail(e.Message, 1);
}

static int Fail(string message, int code)
{
    Console.Error.WriteLine($"mosixd: {message}");
    return code;
}

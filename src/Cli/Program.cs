using Mosix.Cli;
using Mosix.Cli.Guest;
using Mosix.Cli.Jobs;
using Mosix.Cli.Migrate;
using Mosix.Cli.Mosctl;
using Mosix.Cli.Mosmon;
using Mosix.Cli.Mosps;
using Mosix.Cli.Mosrun;
using Mosix.Cli.Native;
using Mosix.Cli.Placement;
using Mosix.Cli.Syscalls;
using Mosix.Sandbox.Supervision;

// One binary, many commands (as busybox does): bin/mosrun, bin/migrate, ... are links to it, and
// the name it was started under picks the command; `mosix COMMAND ARGS` works too.
string invokedAs = CommandName.Of();
string[] commandArgs = args;
if (invokedAs == "mosix" && args.Length > 0 && CommandName.IsKnown(args[0]))
{
    invokedAs = args[0];
    commandArgs = args[1..];
}

try
{
    ProcessSetup.Initialize();
}
catch (InvalidOperationException e)
{
    return Fail.With(invokedAs, e.Message, Fail.Usage);
}

return invokedAs switch
{
    "mosrun" => MosrunCommand.Run(commandArgs),
    "migrate" => MigrateCommand.Run(commandArgs),
    "syscalls" => SyscallsCommand.Run(commandArgs),
    "mosmon" => MosmonCommand.Run(commandArgs),
    "mosps" => MospsCommand.Run(commandArgs),
    "mosctl" => MosctlCommand.Run(commandArgs),
    NativeCommand.Name => NativeCommand.Run(commandArgs),
    MosbestnodeCommand.Name => MosbestnodeCommand.Run(commandArgs),
    MosqCommand.Name => MosqCommand.Run(commandArgs),
    MoskillallCommand.Name => MoskillallCommand.Run(commandArgs),
    GuestCommand.Name => GuestCommand.Run(commandArgs),
    _ => Fail.With("mosix", $"unknown command '{invokedAs}'; commands: {string.Join(", ", CommandName.Known)}", Fail.Usage),
};

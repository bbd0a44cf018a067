using System.Runtime.Versioning;

// The tests drive Linux processes (ptrace, /proc, Unix file modes, setpriv): Linux is the only platform they
// build for, and saying so once here satisfies the platform analyzer (CA1416) for the whole test assembly.
[assembly: SupportedOSPlatform("linux")]

namespace Mosix.Shim.Security;

/// <summary>Credentials that are missing, incomplete, unreadable or do not fit; the message is for the user.</summary>
public sealed class CredentialException(string message) : Exception(message);

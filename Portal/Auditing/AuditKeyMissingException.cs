namespace MedCrypt.Portal.Auditing;

/// <summary>The signing key is gone but what it signed is still there: nothing is signed or verified until an operator restores it.</summary>
public sealed class AuditKeyMissingException(string message) : Exception(message);

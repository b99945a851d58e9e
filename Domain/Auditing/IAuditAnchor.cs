namespace MedCrypt.Domain.Auditing;

/// <summary>The audit log's anchor outside the database: the published signed heads, and the publisher's last refusal.</summary>
public interface IAuditAnchor
{
    /// <summary>Why the last publication was refused (the log no longer matches the published heads, or the heads file is gone); null while all is well.</summary>
    string? Refusal { get; }

    /// <summary>The whole log against the published heads, streamed once.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken);
}

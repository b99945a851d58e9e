namespace MedCrypt.Domain.Auditing;

/// <summary>A page of the audit log, newest first, and how many entries match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int Total, int Page, int PageSize);

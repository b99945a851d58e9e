namespace MedCrypt.Domain.Auditing;

/// <summary>What the audit log is narrowed to; every criterion optional. From is inclusive, To exclusive.</summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, AuditOutcome? Outcome = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Subject = null)
{
    public string Describe()
    {
        string line = string.Join(", ", new[]
        {
            Actor is null ? null : $"actor={Actor}",
            Action is null ? null : $"action={Action}",
            Outcome is null ? null : $"outcome={Outcome}",
            From is null ? null : $"from={From.Value.UtcDateTime:O}",
            To is null ? null : $"to={To.Value.UtcDateTime:O}",
            Subject is null ? null : $"subject={Subject}",
        }.OfType<string>());
        return line.Length == 0 ? "all" : line.Length <= 1024 ? line : line[..1024] + "…";
    }
}

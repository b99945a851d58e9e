namespace MedCrypt.Domain.Auditing;

/// <summary>
/// The audit log checked against its published heads: valid, or the first failure — an entry
/// (<see cref="BrokenAt"/>), a head (<see cref="HeadLine"/>, its line in the heads file), or both — and why.
/// <see cref="SignedEntries"/> is the size of the last good signed head: the entries after it are covered by the
/// chain only until the next head is published.
/// </summary>
public sealed record AuditVerification(bool Valid, long Entries, int Heads, long SignedEntries, long? BrokenAt, int? HeadLine, string? Reason)
{
    public string Verdict() => Valid
        ? $"valid: {Entries} entries, {Heads} signed heads, the first {SignedEntries} entries anchored"
        : $"INVALID: {Reason}";
}

using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Accounts;

/// <summary>Where privileged-role requests and break-glass grants are kept; every write commits with its audit entry.</summary>
public interface IRoleChangeStore
{
    /// <summary>The pending requests and the break-glass grants not yet reviewed.</summary>
    Task<IReadOnlyList<RoleChange>> OpenAsync(CancellationToken cancellationToken);

    Task<RoleChange?> FindAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Stores a new change, applies <paramref name="effect"/> to the account (break-glass grants at once) and stores <paramref name="entry"/>, in one transaction.</summary>
    /// <exception cref="Failures.ConflictException">The role is to be granted and the account is gone.</exception>
    /// <exception cref="AuditSequenceTakenException">Another writer took the entry's sequence number; nothing was stored.</exception>
    Task AddAsync(RoleChange change, RoleEffect effect, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Closes <paramref name="open"/> as <paramref name="closed"/> describes it, applies <paramref name="effect"/> to the account, and stores <paramref name="entry"/>, in one transaction.</summary>
    /// <exception cref="Failures.ConflictException">It was decided meanwhile, or the role is to be granted and the account is gone.</exception>
    /// <exception cref="AuditSequenceTakenException">Another writer took the entry's sequence number; nothing was stored.</exception>
    Task DecideAsync(RoleChange open, RoleChange closed, RoleEffect effect, AuditEvent entry, CancellationToken cancellationToken);
}

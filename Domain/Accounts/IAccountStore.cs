using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Accounts;

/// <summary>
/// Where accounts are kept (the portal's identity store). Each change is one transaction with its audit entry (both
/// or neither), and a change to roles, lock or second factor also ends the account's open sessions and tokens at
/// their next check. Every change may throw <see cref="AuditSequenceTakenException"/>: another writer took the entry's
/// sequence number and nothing was stored.
/// </summary>
public interface IAccountStore
{
    Task<IReadOnlyList<AccountSummary>> ListAsync(CancellationToken cancellationToken);

    Task<AccountSummary?> FindAsync(string id, CancellationToken cancellationToken);

    Task<int> CountInRoleAsync(string role, CancellationToken cancellationToken);

    /// <summary>Creates the account with <paramref name="roles"/>, all or nothing.</summary>
    /// <exception cref="Failures.RejectedInputException">The identity store refused it: a weak password, a taken or bad email (its words).</exception>
    Task<AccountSummary> CreateAsync(string email, string password, IReadOnlyCollection<string> roles, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="remove"/> away and grants <paramref name="add"/>.</summary>
    /// <exception cref="Failures.NotFoundException">The account is gone.</exception>
    /// <exception cref="Failures.ConflictException">The identity store refused a step: the account changed meanwhile.</exception>
    Task ChangeRolesAsync(string id, IReadOnlyCollection<string> remove, IReadOnlyCollection<string> add, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Locks indefinitely, or unlocks and clears the failed attempts.</summary>
    /// <exception cref="Failures.NotFoundException">The account is gone.</exception>
    /// <exception cref="Failures.ConflictException">The identity store refused a step: the account changed meanwhile.</exception>
    Task SetLockedAsync(string id, bool locked, AuditEvent entry, CancellationToken cancellationToken);

    /// <summary>Turns two-factor sign-in off and discards the authenticator key and the recovery codes.</summary>
    /// <exception cref="Failures.NotFoundException">The account is gone.</exception>
    /// <exception cref="Failures.ConflictException">The identity store refused a step: the account changed meanwhile.</exception>
    Task ResetTwoFactorAsync(string id, AuditEvent entry, CancellationToken cancellationToken);
}

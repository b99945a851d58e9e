namespace MedCrypt.Domain.Accounts;

/// <summary>
/// Where accounts are kept (the portal's identity store). Each change is one transaction, and a change to roles,
/// lock or second factor also ends the account's open sessions and tokens at their next check.
/// </summary>
public interface IAccountStore
{
    Task<IReadOnlyList<AccountSummary>> ListAsync(CancellationToken cancellationToken);

    Task<AccountSummary?> FindAsync(string id, CancellationToken cancellationToken);

    Task<int> CountInRoleAsync(string role, CancellationToken cancellationToken);

    /// <summary>Creates the account with <paramref name="roles"/>, all or nothing.</summary>
    /// <exception cref="Failures.RejectedInputException">The identity store refused it: a weak password, a taken or bad email (its words).</exception>
    Task<AccountSummary> CreateAsync(string email, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="remove"/> away and grants <paramref name="add"/> in one transaction.</summary>
    Task ChangeRolesAsync(string id, IReadOnlyCollection<string> remove, IReadOnlyCollection<string> add, CancellationToken cancellationToken);

    /// <summary>Locks indefinitely, or unlocks and clears the failed attempts.</summary>
    Task SetLockedAsync(string id, bool locked, CancellationToken cancellationToken);

    /// <summary>Turns two-factor sign-in off and discards the authenticator key and the recovery codes.</summary>
    Task ResetTwoFactorAsync(string id, CancellationToken cancellationToken);
}

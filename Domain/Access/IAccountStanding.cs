namespace MedCrypt.Domain.Access;

/// <summary>The account as it stands now in the identity store, for the permissions <see cref="AccessPolicy.IsCheckedAtUse"/> names.</summary>
public interface IAccountStanding
{
    /// <summary>The roles the account holds now; null when it no longer exists or is locked.</summary>
    Task<IReadOnlySet<string>?> CurrentRolesAsync(string accountId, CancellationToken cancellationToken);
}

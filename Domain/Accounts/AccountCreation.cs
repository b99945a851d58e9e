namespace MedCrypt.Domain.Accounts;

/// <summary>A new account as created, and the privileged roles it awaits a second administrator for.</summary>
public sealed record AccountCreation(AccountSummary User, IReadOnlyList<RoleChange> Pending);

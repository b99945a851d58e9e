namespace MedCrypt.Portal.Users;

/// <summary>A new account as created, and the privileged roles it awaits a second administrator for.</summary>
public sealed record UserCreation(UserSummary User, IReadOnlyList<RoleChange> Pending);

namespace MedCrypt.Domain.Accounts;

/// <summary>What deciding a role change does to the account: grant the role, take it away, or leave it as it is.</summary>
public enum RoleEffect
{
    None,
    Grant,
    Withdraw,
}

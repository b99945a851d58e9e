namespace MedCrypt.Domain.Accounts;

/// <summary>
/// Pending → Confirmed (role granted) | Rejected | Expired. BreakGlass (role held now) → Confirmed (a second
/// administrator kept it) | Rejected (they withdrew it) | Expired (withdrawn automatically).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RoleChangeState>))]
public enum RoleChangeState
{
    Pending,
    BreakGlass,
    Confirmed,
    Rejected,
    Expired,
}

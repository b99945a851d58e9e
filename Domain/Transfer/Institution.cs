namespace MedCrypt.Domain.Transfer;

/// <summary>Another hospital this installation exchanges studies with: its card, and who added it when.</summary>
public sealed record Institution(Guid Id, InstitutionCard Card, DateTimeOffset AddedAt, string AddedBy)
{
    public string Name => Card.Name;
}

namespace MedCrypt.Portal.Data;

/// <summary>
/// An institution an administrator added: its card's name and public keys, their fingerprints for lookup, and a seal
/// under the key-encryption key over all of it, so a row written into the database by anyone else (a key of their
/// choosing, to pass packages off as a hospital's) is not trusted.
/// </summary>
public sealed class InstitutionRecord
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required byte[] AgreementKey { get; set; }

    public required byte[] SigningKey { get; set; }

    public required string AgreementFingerprint { get; set; }

    public required string SigningFingerprint { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public required string AddedBy { get; set; }

    /// <summary>The KEK's wrap of nothing, with the row's fields as associated data: a MAC only the portal can make.</summary>
    public required byte[] Seal { get; set; }
}

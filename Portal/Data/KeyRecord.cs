namespace MedCrypt.Portal.Data;

/// <summary>A key as stored: its bytes only wrapped under the key-encryption key, which is not in this database.</summary>
public sealed class KeyRecord
{
    public required string Id { get; set; }

    /// <summary>"master" or the scheme id the key belongs to.</summary>
    public required string Purpose { get; set; }

    public required byte[] ProtectedKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    /// <summary>The one key of its purpose that new data is protected with.</summary>
    public bool Active { get; set; }
}

namespace MedCrypt.Portal.Data;

/// <summary>
/// One API sign-in: the hash of the one refresh id that may be used next. A hash (SHA-256 of 128 random bits), so a
/// database copy holds nothing a token can be made from, and so a rotation is one conditional update.
/// </summary>
public sealed class ApiSessionRecord
{
    /// <summary>The session's id, as its tokens carry it.</summary>
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public required byte[] RefreshHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastRefreshedAt { get; set; }
}

using System.Security.Cryptography;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// A public key's fingerprint: SHA-256 of its 65-byte point, hex. Administrators compare the grouped form over a
/// second channel (a phone call, a letter) before they trust an institution's card; the plain form is the lookup key.
/// </summary>
public static class KeyFingerprint
{
    public static string Of(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey));

    /// <summary>"ab12 cd34 …": 16 groups of four hex digits.</summary>
    public static string Grouped(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        return string.Join(' ', fingerprint.Chunk(4).Select(c => new string(c)));
    }

    /// <summary>The first four groups, enough to tell keys apart in a message or an audit entry.</summary>
    public static string Short(string fingerprint)
    {
        string grouped = Grouped(fingerprint);
        return grouped.Length <= 19 ? grouped : grouped[..19];
    }

    /// <summary>Whether the text has the form <see cref="Of"/> gives (64 lowercase hex digits).</summary>
    public static bool IsWellFormed(string? fingerprint) => fingerprint is { Length: 64 } && fingerprint.All(char.IsAsciiHexDigitLower);
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// How Identity's user tokens (the authenticator secret, the recovery codes) are stored: "kek1:" and the value
/// wrapped under the KEK's user-token sub-key, bound to its user, login provider and token name (a value copied to
/// another user or token does not open). A value without the prefix was stored in plain text by an earlier
/// version: it is read as it is and protected the next time it is written, or at start-up.
/// </summary>
internal static class UserTokenProtection
{
    public const string Prefix = "kek1:";

    public static bool IsProtected(string? stored) => stored is not null && stored.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Protect(IKeyEncryptionKey kek, string userId, string loginProvider, string name, string value)
    {
        byte[] plain = Encoding.UTF8.GetBytes(value);
        try
        {
            return Prefix + Convert.ToBase64String(kek.Wrap(KeyEncryptionPurpose.UserTokens, plain, AssociatedData(userId, loginProvider, name)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public static string? Unprotect(IKeyEncryptionKey kek, string userId, string loginProvider, string name, string stored)
    {
        if (!IsProtected(stored))
        {
            // The start-up upgrade encrypted every earlier clear token; one in the clear now was written into the
            // database (a planted authenticator secret): it counts as absent, so it signs no one in.
            return null;
        }

        byte[] plain = kek.Unwrap(KeyEncryptionPurpose.UserTokens, Convert.FromBase64String(stored[Prefix.Length..]), AssociatedData(userId, loginProvider, name));
        try
        {
            return Encoding.UTF8.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Each part length-prefixed UTF-8, so no two (user, provider, name) triples encode alike.</summary>
    private static byte[] AssociatedData(params string[] parts)
    {
        byte[][] encoded = [.. parts.Select(Encoding.UTF8.GetBytes)];
        var data = new byte[encoded.Sum(p => 4 + p.Length)];
        int offset = 0;
        foreach (byte[] part in encoded)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(offset), part.Length);
            part.CopyTo(data, offset + 4);
            offset += 4 + part.Length;
        }

        return data;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// RFC 6238 TOTP as an authenticator app computes it (HMAC-SHA1, 30-second steps, 6 digits), written here from the
/// RFC so the tests do not borrow the code they check.
/// </summary>
internal static class Totp
{
    public static string Code(string base32Key, DateTimeOffset at) => Code(FromBase32(base32Key), at);

    public static string Code(byte[] key, DateTimeOffset at)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
        byte[] hash = HMACSHA1.HashData(key, counter);
        int offset = hash[^1] & 0x0f;
        int value = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff) % 1_000_000;
        return value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32, as the page shows it (any case, spaces allowed).</summary>
    public static byte[] FromBase32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (char c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}

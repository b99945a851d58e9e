using System.Buffers.Binary;

namespace MedCrypt.Crypto.Keys;

/// <summary>
/// Reads key-derived parameters (indices, shuffles, bits) from one HKDF-SHA256 output, so the same key
/// and purpose give the same parameters on every machine. HKDF gives at most 8,160 (255 × 32) bytes per purpose.
/// </summary>
internal sealed class DerivedRandom
{
    private readonly byte[] _bytes;
    private int _position;

    public DerivedRandom(SecretKey key, string purpose, int byteCount)
    {
        _bytes = new byte[byteCount];
        key.Derive(purpose, ReadOnlySpan<byte>.Empty, _bytes);
    }

    public uint NextUInt32()
    {
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(_position, 4));
        _position += 4;
        return value;
    }

    public bool NextBit() => (_bytes[_position++] & 1) != 0;

    /// <summary>Uniform in [0, <paramref name="bound"/>) by Lemire's multiply-shift (bias below bound / 2³², negligible here).</summary>
    public int NextBelow(int bound) => (int)(((ulong)NextUInt32() * (uint)bound) >> 32);

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextBelow(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

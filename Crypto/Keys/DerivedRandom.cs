using System.Buffers.Binary;
using System.Security.Cryptography;

namespace MedCrypt.Crypto.Keys;

/// <summary>
/// Reads key-derived parameters (indices, shuffles, bits) so the same key, purpose and salt give the same parameters
/// on every machine. Two sources: one HKDF-SHA256 output (at most 8,160 bytes: a block map's few parameters), or,
/// for parameters that grow with the image, AES-256 in counter mode keyed by HKDF(key, salt, purpose) — a standard
/// PRF expansion (NIST SP 800-90A's CTR_DRBG idea without reseeding) with no practical length limit.
/// </summary>
internal sealed class DerivedRandom : IDisposable
{
    private const int ChunkBytes = 4096;
    private readonly byte[] _bytes;
    private readonly Aes? _aes;
    private readonly byte[]? _counters;
    private ulong _nextBlock;
    private int _position;
    private int _length;

    /// <summary>Exactly <paramref name="byteCount"/> bytes of HKDF output, no salt.</summary>
    public DerivedRandom(SecretKey key, string purpose, int byteCount)
    {
        _bytes = new byte[byteCount];
        _length = byteCount;
        key.Derive(purpose, ReadOnlySpan<byte>.Empty, _bytes);
    }

    private DerivedRandom(byte[] seed)
    {
        _aes = Aes.Create();
        _aes.Key = seed;
        _counters = new byte[ChunkBytes];
        _bytes = new byte[ChunkBytes + 8]; // a chunk and the unread tail of the previous one
        _position = _length = 0; // filled on first read
    }

    /// <summary>An unbounded stream: AES-256-CTR under the 32 bytes HKDF derives from the key with this salt (a per-image nonce) and purpose.</summary>
    public static DerivedRandom Stream(SecretKey key, string purpose, ReadOnlySpan<byte> salt)
    {
        byte[] seed = new byte[32];
        try
        {
            key.Derive(purpose, salt, seed);
            return new DerivedRandom(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public uint NextUInt32()
    {
        Ensure(4);
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(_position, 4));
        _position += 4;
        return value;
    }

    public bool NextBit()
    {
        Ensure(1);
        return (_bytes[_position++] & 1) != 0;
    }

    /// <summary>The next <paramref name="destination"/>.Length bytes of the stream.</summary>
    public void Fill(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            Ensure(1);
            int count = Math.Min(destination.Length, _length - _position);
            _bytes.AsSpan(_position, count).CopyTo(destination);
            _position += count;
            destination = destination[count..];
        }
    }

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

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_bytes);
        _aes?.Dispose();
    }

    private void Ensure(int count)
    {
        if (_position + count <= _length)
        {
            return;
        }

        if (_aes is null || _counters is null)
        {
            throw new InvalidOperationException("The derived parameters ran out: the purpose asked for too few bytes.");
        }

        // The unread tail moves to the front and the next chunk of keystream follows it: one continuous stream.
        int tail = _length - _position;
        _bytes.AsSpan(_position, tail).CopyTo(_bytes);
        for (int b = 0; b < ChunkBytes / 16; b++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_counters.AsSpan((b * 16) + 8, 8), _nextBlock++);
        }

        _aes.EncryptEcb(_counters, _bytes.AsSpan(tail, ChunkBytes), PaddingMode.None);
        _position = 0;
        _length = tail + ChunkBytes;
    }
}

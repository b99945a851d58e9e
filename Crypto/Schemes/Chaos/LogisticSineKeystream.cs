using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Chaos;

/// <summary>
/// Everything one image's encryption draws from the orbits, in this fixed order of keystream bytes:
/// 256 four-byte draws for the S-box, the IVs (L bytes per pass), one four-byte draw per pixel for the
/// permutation, then each round's forward and backward keystream (one byte per image byte).
/// </summary>
internal sealed class LogisticSineKeystream : IDisposable
{
    private const int SBoxDraws = 256;

    private readonly byte[] _bytes;
    private readonly int _length;
    private readonly int[] _permutation;
    private readonly int _pixelCount;
    private readonly int _byteCount;
    private readonly int _ivOffset;
    private readonly int _diffusionOffset;

    public LogisticSineKeystream(SecretKey key, ReadOnlySpan<byte> nonce, PixelImage image, int rounds)
    {
        _pixelCount = image.PixelCount;
        _byteCount = image.ByteCount;

        Span<byte> seed = stackalloc byte[LogisticSineOrbits.SeedSize];
        key.Derive($"medcrypt/v1/{LogisticSineScheme.SchemeId}/R{rounds}", nonce, seed);
        var orbits = new LogisticSineOrbits(seed);
        seed.Clear();

        _ivOffset = SBoxDraws * sizeof(uint);
        int permutationOffset = _ivOffset + (2 * rounds * LogisticSineScheme.Lanes);
        _diffusionOffset = checked(permutationOffset + (_pixelCount * sizeof(uint)));
        _length = checked(_diffusionOffset + (2 * rounds * _byteCount));
        _bytes = ArrayPool<byte>.Shared.Rent(_length);
        orbits.Fill(_bytes.AsSpan(0, _length));

        SBox = new byte[256];
        InverseSBox = new byte[256];
        Span<int> box = stackalloc int[256];
        FillIdentity(box);
        Shuffle(box, Draws(0, SBoxDraws));
        for (int i = 0; i < box.Length; i++)
        {
            SBox[i] = (byte)box[i];
            InverseSBox[box[i]] = (byte)i;
        }

        _permutation = ArrayPool<int>.Shared.Rent(_pixelCount);
        Span<int> permutation = _permutation.AsSpan(0, _pixelCount);
        FillIdentity(permutation);
        Shuffle(permutation, Draws(permutationOffset, _pixelCount));
    }

    public byte[] SBox { get; }

    public byte[] InverseSBox { get; }

    public ReadOnlySpan<int> Permutation => _permutation.AsSpan(0, _pixelCount);

    public ReadOnlySpan<byte> ForwardIv(int round) => _bytes.AsSpan(_ivOffset + (2 * round * LogisticSineScheme.Lanes), LogisticSineScheme.Lanes);

    public ReadOnlySpan<byte> BackwardIv(int round) => _bytes.AsSpan(_ivOffset + (((2 * round) + 1) * LogisticSineScheme.Lanes), LogisticSineScheme.Lanes);

    public ReadOnlySpan<byte> Forward(int round) => _bytes.AsSpan(_diffusionOffset + (2 * round * _byteCount), _byteCount);

    public ReadOnlySpan<byte> Backward(int round) => _bytes.AsSpan(_diffusionOffset + (((2 * round) + 1) * _byteCount), _byteCount);

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_bytes.AsSpan(0, _length));
        ArrayPool<byte>.Shared.Return(_bytes);
        ArrayPool<int>.Shared.Return(_permutation, clearArray: true);
        Array.Clear(SBox);
        Array.Clear(InverseSBox);
    }

    private ReadOnlySpan<uint> Draws(int offset, int count) => MemoryMarshal.Cast<byte, uint>(_bytes.AsSpan(offset, count * sizeof(uint)));

    private static void FillIdentity(Span<int> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }
    }

    /// <summary>Fisher–Yates with one draw per position (multiply-shift into [0, i]).</summary>
    private static void Shuffle(Span<int> values, ReadOnlySpan<uint> draws)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)(((ulong)draws[i] * (uint)(i + 1)) >> 32);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}

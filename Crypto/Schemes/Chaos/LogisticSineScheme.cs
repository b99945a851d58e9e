using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Chaos;

/// <summary>
/// A chaotic permutation–diffusion cipher driven by the Logistic–Sine System. Each round permutes the
/// pixels, then runs a chained, S-box diffusion forward and backward over the bytes, so one changed pixel
/// changes every byte after two rounds. The orbits are seeded by HKDF-SHA256 from the key and a random
/// 128-bit per-image nonce: no two images share a keystream, permutation or S-box.
/// </summary>
public sealed class LogisticSineScheme : ImageProtectionScheme
{
    public const string SchemeId = "logistic-sine";
    public const int DefaultRounds = 2;
    public const int MinRounds = 2;
    public const int MaxRounds = 16;
    public const int NonceSizeBytes = 16;

    /// <summary>
    /// Diffusion chains byte i to byte i ± <see cref="Lanes"/>: eight interleaved chains keep the CPU busy while
    /// each waits on its S-box lookup; the next round's permutation spreads a change across all of them.
    /// </summary>
    internal const int Lanes = 8;

    static LogisticSineScheme()
    {
        // The keystream is read as bytes in memory order; ciphertexts are defined on little-endian machines.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The logistic-sine scheme is defined for little-endian machines.");
        }
    }

    public LogisticSineScheme(int rounds = DefaultRounds)
    {
        if (rounds is < MinRounds or > MaxRounds)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, $"Rounds must be between {MinRounds} and {MaxRounds}.");
        }

        Rounds = rounds;
    }

    public int Rounds { get; }

    public override string Id => SchemeId;

    public override string DisplayName => $"Logistic–Sine chaotic cipher ({Rounds} rounds)";

    public override bool IsInvertible => true;

    public override bool IsModelReadable => false;

    public override ProtectionKind Kind => ProtectionKind.Encryption;

    public override int NonceSize => NonceSizeBytes;

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        using var keystream = new Keystream(key, nonce, plain, Rounds);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(plain.ByteCount);
        try
        {
            // Round r permutes into one buffer and diffuses it in place; the buffers alternate so the last round ends in destination.
            Span<byte> other = scratch.AsSpan(0, plain.ByteCount);
            Span<byte> target = Rounds % 2 == 1 ? destination.Pixels : other;
            ReadOnlySpan<byte> source = plain.Pixels;
            for (int round = 0; round < Rounds; round++)
            {
                Permute(source, target, keystream.Permutation, plain.Channels);
                DiffuseForward(target, keystream.Forward(round), keystream.ForwardIv(round), keystream.SBox);
                DiffuseBackward(target, keystream.Backward(round), keystream.BackwardIv(round), keystream.SBox);
                source = target;
                target = target == destination.Pixels ? other : destination.Pixels;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
        }
    }

    protected override void DecryptCore(PixelImage protectedImage, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        using var keystream = new Keystream(key, nonce, protectedImage, Rounds);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(protectedImage.ByteCount);
        try
        {
            Span<byte> other = scratch.AsSpan(0, protectedImage.ByteCount);
            Span<byte> current = Rounds % 2 == 0 ? destination.Pixels : other;
            protectedImage.Pixels.CopyTo(current);
            for (int round = Rounds - 1; round >= 0; round--)
            {
                UndoBackward(current, keystream.Backward(round), keystream.BackwardIv(round), keystream.InverseSBox);
                UndoForward(current, keystream.Forward(round), keystream.ForwardIv(round), keystream.InverseSBox);
                Span<byte> target = current == destination.Pixels ? other : destination.Pixels;
                Unpermute(current, target, keystream.Permutation, protectedImage.Channels);
                current = target;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch, clearArray: true);
        }
    }

    /// <summary>Pixel i of <paramref name="target"/> is pixel permutation[i] of <paramref name="source"/>.</summary>
    private static void Permute(ReadOnlySpan<byte> source, Span<byte> target, ReadOnlySpan<int> permutation, int channels)
    {
        if (channels == 1)
        {
            for (int i = 0; i < permutation.Length; i++)
            {
                target[i] = source[permutation[i]];
            }

            return;
        }

        for (int i = 0; i < permutation.Length; i++)
        {
            source.Slice(permutation[i] * channels, channels).CopyTo(target.Slice(i * channels, channels));
        }
    }

    private static void Unpermute(ReadOnlySpan<byte> source, Span<byte> target, ReadOnlySpan<int> permutation, int channels)
    {
        if (channels == 1)
        {
            for (int i = 0; i < permutation.Length; i++)
            {
                target[permutation[i]] = source[i];
            }

            return;
        }

        for (int i = 0; i < permutation.Length; i++)
        {
            source.Slice(i * channels, channels).CopyTo(target.Slice(permutation[i] * channels, channels));
        }
    }

    // c[i] = S[p[i] + c[i−L]] ⊕ k[i], the first L chained to the IV. The loops run over refs: this is the cipher's
    // hot path, and every index is in range by construction (key and data have the same length, iv has L bytes).
    private static void DiffuseForward(Span<byte> data, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> sBox)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        ref byte k = ref MemoryMarshal.GetReference(key);
        ref byte s = ref MemoryMarshal.GetReference(sBox);
        int n = data.Length;
        for (int i = 0; i < Math.Min(Lanes, n); i++)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, (byte)(Unsafe.Add(ref d, i) + iv[i])) ^ Unsafe.Add(ref k, i));
        }

        for (nint i = Lanes; i < n; i++)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, (byte)(Unsafe.Add(ref d, i) + Unsafe.Add(ref d, i - Lanes))) ^ Unsafe.Add(ref k, i));
        }
    }

    private static void UndoForward(Span<byte> data, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> inverseSBox)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        ref byte k = ref MemoryMarshal.GetReference(key);
        ref byte s = ref MemoryMarshal.GetReference(inverseSBox);
        for (nint i = data.Length - 1; i >= Lanes; i--)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, Unsafe.Add(ref d, i) ^ Unsafe.Add(ref k, i)) - Unsafe.Add(ref d, i - Lanes));
        }

        for (int i = Math.Min(Lanes, data.Length) - 1; i >= 0; i--)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, Unsafe.Add(ref d, i) ^ Unsafe.Add(ref k, i)) - iv[i]);
        }
    }

    // The mirror image: c[i] = S[p[i] + c[i+L]] ⊕ k[i], from the end, the last L chained to the IV (iv[0] to the last byte).
    private static void DiffuseBackward(Span<byte> data, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> sBox)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        ref byte k = ref MemoryMarshal.GetReference(key);
        ref byte s = ref MemoryMarshal.GetReference(sBox);
        int n = data.Length;
        int chainedToIv = Math.Max(n - Lanes, 0);
        for (int i = n - 1; i >= chainedToIv; i--)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, (byte)(Unsafe.Add(ref d, i) + iv[n - 1 - i])) ^ Unsafe.Add(ref k, i));
        }

        for (nint i = chainedToIv - 1; i >= 0; i--)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, (byte)(Unsafe.Add(ref d, i) + Unsafe.Add(ref d, i + Lanes))) ^ Unsafe.Add(ref k, i));
        }
    }

    private static void UndoBackward(Span<byte> data, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> inverseSBox)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        ref byte k = ref MemoryMarshal.GetReference(key);
        ref byte s = ref MemoryMarshal.GetReference(inverseSBox);
        int n = data.Length;
        int chainedToIv = Math.Max(n - Lanes, 0);
        for (nint i = 0; i < chainedToIv; i++)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, Unsafe.Add(ref d, i) ^ Unsafe.Add(ref k, i)) - Unsafe.Add(ref d, i + Lanes));
        }

        for (int i = chainedToIv; i < n; i++)
        {
            Unsafe.Add(ref d, i) = (byte)(Unsafe.Add(ref s, Unsafe.Add(ref d, i) ^ Unsafe.Add(ref k, i)) - iv[n - 1 - i]);
        }
    }

    /// <summary>
    /// Everything one image's encryption draws from the orbits, in this fixed order of keystream bytes:
    /// 256 four-byte draws for the S-box, the IVs (L bytes per pass), one four-byte draw per pixel for the
    /// permutation, then each round's forward and backward keystream (one byte per image byte).
    /// </summary>
    private sealed class Keystream : IDisposable
    {
        private const int SBoxDraws = 256;

        private readonly byte[] _bytes;
        private readonly int _length;
        private readonly int[] _permutation;
        private readonly int _pixelCount;
        private readonly int _byteCount;
        private readonly int _ivOffset;
        private readonly int _diffusionOffset;

        public Keystream(SecretKey key, ReadOnlySpan<byte> nonce, PixelImage image, int rounds)
        {
            _pixelCount = image.PixelCount;
            _byteCount = image.ByteCount;

            Span<byte> seed = stackalloc byte[LogisticSineOrbits.SeedSize];
            key.Derive($"medcrypt/v1/{SchemeId}/R{rounds}", nonce, seed);
            var orbits = new LogisticSineOrbits(seed);
            seed.Clear();

            _ivOffset = SBoxDraws * sizeof(uint);
            int permutationOffset = _ivOffset + (2 * rounds * Lanes);
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

        public ReadOnlySpan<byte> ForwardIv(int round) => _bytes.AsSpan(_ivOffset + (2 * round * Lanes), Lanes);

        public ReadOnlySpan<byte> BackwardIv(int round) => _bytes.AsSpan(_ivOffset + (((2 * round) + 1) * Lanes), Lanes);

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
}

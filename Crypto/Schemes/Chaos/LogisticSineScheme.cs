using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        using var keystream = new LogisticSineKeystream(key, nonce, plain, Rounds);
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
        using var keystream = new LogisticSineKeystream(key, nonce, protectedImage, Rounds);
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
}

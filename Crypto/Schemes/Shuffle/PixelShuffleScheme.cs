using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes.Shuffle;

/// <summary>
/// The default, model-readable encryption: a uniformly random permutation of every value of the image across the
/// whole image, then each value XORed with a keystream byte, both drawn afresh for each image from the key and a
/// random 128-bit nonce (HKDF-SHA256 → AES-256-CTR). No two images share a map, so there is no block structure to
/// average, no repeated block to read a mask from, no smoothness inside a block to search on, and a known (plain,
/// protected) pair gives away only that image's map. The keystream makes every protected value uniform whatever the
/// plain one was, so not even the histogram (how much of the frame is head, how bright the sequence) survives: an
/// earlier version flipped values (negative–positive) instead, and a classifier on the folded histograms of its
/// protected images alone told tumor from no tumor at 75 % balanced accuracy. The models read it exactly through the
/// inverse map (<see cref="GetImageMap"/>), which Inference applies just before the session runs (docs/threat-model.md).
/// </summary>
public sealed class PixelShuffleScheme : ImageProtectionScheme
{
    public const string SchemeId = "pixel-shuffle";
    public const int NonceSizeBytes = 16;

    public override string Id => SchemeId;

    public override string DisplayName => "Pixel shuffle encryption: a fresh whole-image permutation and keystream for every image";

    public override bool IsInvertible => true;

    public override bool IsModelReadable => true;

    public override ProtectionKind Kind => ProtectionKind.Encryption;

    public override int NonceSize => NonceSizeBytes;

    /// <summary>The map that <paramref name="key"/> and <paramref name="nonce"/> apply to a W×H×C image (its inverse reads it).</summary>
    public ImageValueMap GetImageMap(SecretKey key, ReadOnlySpan<byte> nonce, int width, int height, int channels)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (nonce.Length != NonceSizeBytes)
        {
            throw new ArgumentException($"'{Id}' takes a {NonceSizeBytes}-byte nonce; {nonce.Length} bytes were given.", nameof(nonce));
        }

        if (!Enum.IsDefined((PixelFormat)channels) || width < 1 || height < 1 || (long)width * height * channels > PixelImage.MaxBytes)
        {
            throw new ArgumentException($"No image is {width} × {height} × {channels}.");
        }

        int length = width * height * channels;
        int[] source = new int[length];
        for (int j = 0; j < length; j++)
        {
            source[j] = j;
        }

        byte[] xorMask = new byte[length];
        // The purpose names the scheme and the geometry; the nonce is HKDF's salt, so every image gets its own stream.
        using DerivedRandom random = DerivedRandom.Stream(key, $"medcrypt/v1/{Id}/{width}x{height}/C{channels}", nonce);
        random.Shuffle(source);
        random.Fill(xorMask);

        return new ImageValueMap(width, height, channels, source, xorMask);
    }

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        GetImageMap(key, nonce, plain.Width, plain.Height, plain.Channels).Apply(plain, destination);

    protected override void DecryptCore(PixelImage protectedImage, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        GetImageMap(key, nonce, protectedImage.Width, protectedImage.Height, protectedImage.Channels).Inverse().Apply(protectedImage, destination);
}

using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Crypto.Schemes.Shuffle;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// How the models read a protected image of each scheme — the one place that decides it: a pixel shuffle through
/// the inverse of that image's own map (Inference gets the map, never the key), block-wise schemes through the key's
/// adaptation of each model's first layer, filters as they are, and a cipher no model can read only decrypted here,
/// where the installation allows it.
/// </summary>
public sealed class SchemeReader(BlockAdaptations adaptations)
{
    /// <exception cref="InferenceNotPermittedException">The scheme needs decryption and <paramref name="allowDecrypt"/> is false.</exception>
    public ModelInput Read(ImageProtectionScheme scheme, ProtectedImage image, SecretKey key, bool allowDecrypt)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(key);
        PixelImage pixels = image.Pixels;
        switch (scheme)
        {
            case PixelShuffleScheme shuffle:
                ImageValueMap inverse = shuffle.GetImageMap(key, image.Nonce, pixels.Width, pixels.Height, pixels.Channels).Inverse();
                return new ModelInput(Input(pixels) with { Unscramble = new InputPermutation(inverse.Source, inverse.XorMask) }, null, Decrypted: false);
            case BlockwiseScheme blockwise:
                return new ModelInput(Input(pixels), adaptations.For(blockwise, key, pixels.Channels), Decrypted: false);
            case { IsModelReadable: true }:
                return AsIs(pixels);
            default:
                EnsureReadable(scheme, allowDecrypt);
                return new ModelInput(Input(scheme.Decrypt(image, key)), null, Decrypted: true);
        }
    }

    /// <summary>Fails before any work is done when the models could read <paramref name="scheme"/> only decrypted and that is not allowed.</summary>
    /// <exception cref="InferenceNotPermittedException">The scheme needs decryption and <paramref name="allowDecrypt"/> is false.</exception>
    public static void EnsureReadable(ImageProtectionScheme scheme, bool allowDecrypt)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        if (!scheme.IsModelReadable && !allowDecrypt)
        {
            throw new InferenceNotPermittedException(
                $"'{scheme.Id}' cannot be read by the models, and this installation does not allow decrypting images for inference. Choose '{SchemeCatalog.DefaultSchemeId}'.");
        }
    }

    /// <summary>The pixels as they are: a plain image, or a ciphertext shown to the models to measure what they make of it.</summary>
    public static ModelInput AsIs(PixelImage pixels) => new(Input(pixels), null, Decrypted: false);

    private static ImageInput Input(PixelImage pixels) => new(pixels.Pixels.ToArray(), pixels.Width, pixels.Height, pixels.Channels);
}

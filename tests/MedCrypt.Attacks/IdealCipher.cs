using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Attacks;

/// <summary>
/// The null model, not a cipher: fresh uniform bytes for every image, unrelated to the image and the key (seeded by
/// the nonce, so a test is repeatable). What the attacks make of it is the chance level every real scheme is held to.
/// </summary>
public sealed class IdealCipher : ImageProtectionScheme
{
    public const string SchemeId = "ideal (uniform noise)";

    public override string Id => SchemeId;

    public override string DisplayName => "Uniform random bytes, independent of the image: the chance level";

    public override bool IsInvertible => false;

    public override bool IsModelReadable => false;

    public override ProtectionKind Kind => ProtectionKind.Encryption;

    public override int NonceSize => 16;

    protected override void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        new Random(BitConverter.ToInt32(nonce) ^ BitConverter.ToInt32(nonce[4..])).NextBytes(destination.Pixels);
}

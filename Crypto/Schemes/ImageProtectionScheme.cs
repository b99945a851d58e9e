using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Schemes;

/// <summary>
/// One way of protecting an image. The span-style core (<see cref="Encrypt(PixelImage, SecretKey, ReadOnlySpan{byte}, PixelImage)"/>)
/// takes the nonce and the destination explicitly and keeps no state, so one instance serves every thread;
/// the short overloads draw a fresh nonce and allocate the result.
/// </summary>
public abstract class ImageProtectionScheme
{
    /// <summary>Stable identifier, stored with every protected image.</summary>
    public abstract string Id { get; }

    public abstract string DisplayName { get; }

    /// <summary>True when <see cref="Decrypt(PixelImage, SecretKey, ReadOnlySpan{byte}, PixelImage)"/> restores the original bit for bit.</summary>
    public abstract bool IsInvertible { get; }

    /// <summary>True when a classifier can read the protected pixels (exactly, or with some loss for filters).</summary>
    public abstract bool IsModelReadable { get; }

    /// <summary>What the protected pixels are worth without the key: encryption, obfuscation or a mere filter.</summary>
    public abstract ProtectionKind Kind { get; }

    /// <summary>Bytes of random per-image nonce the scheme takes; 0 for deterministic schemes.</summary>
    public virtual int NonceSize => 0;

    public void Encrypt(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        ValidateCall(plain, key, nonce, destination);
        EncryptCore(plain, key, nonce, destination);
    }

    public void Decrypt(PixelImage protectedImage, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        if (!IsInvertible)
        {
            throw new NotSupportedException(
                $"'{Id}' discards information and cannot be decrypted; the original is kept only in its AES-GCM envelope.");
        }

        ValidateCall(protectedImage, key, nonce, destination);
        DecryptCore(protectedImage, key, nonce, destination);
    }

    /// <summary>Protects a copy of <paramref name="plain"/> under a fresh random nonce.</summary>
    public ProtectedImage Encrypt(PixelImage plain, SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(plain);
        byte[] nonce = RandomNumberGenerator.GetBytes(NonceSize);
        PixelImage result = plain.CreateLike();
        Encrypt(plain, key, nonce, result);
        return new ProtectedImage(Id, result, nonce);
    }

    public PixelImage Decrypt(ProtectedImage protectedImage, SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(protectedImage);
        if (protectedImage.SchemeId != Id)
        {
            throw new ArgumentException(
                $"The image was protected with '{protectedImage.SchemeId}', not '{Id}'.", nameof(protectedImage));
        }

        PixelImage result = protectedImage.Pixels.CreateLike();
        Decrypt(protectedImage.Pixels, key, protectedImage.Nonce, result);
        return result;
    }

    /// <summary>Scheme-specific limits (size multiples, channel counts); throw <see cref="ArgumentException"/> with a readable message.</summary>
    protected virtual void ValidateImage(PixelImage image)
    {
    }

    protected abstract void EncryptCore(PixelImage plain, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination);

    protected virtual void DecryptCore(PixelImage protectedImage, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination) =>
        throw new NotSupportedException($"'{Id}' cannot be decrypted.");

    public override string ToString() => Id;

    private void ValidateCall(PixelImage source, SecretKey key, ReadOnlySpan<byte> nonce, PixelImage destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException(
                $"'{Id}' takes a {NonceSize}-byte nonce; {nonce.Length} bytes were given.", nameof(nonce));
        }

        if (!source.HasSameShape(destination))
        {
            throw new ArgumentException(
                $"The destination ({destination}) must have the source's shape ({source}).", nameof(destination));
        }

        if (source.SharesBufferWith(destination))
        {
            throw new ArgumentException("The destination must not share the source's buffer.", nameof(destination));
        }

        ValidateImage(source);
    }
}

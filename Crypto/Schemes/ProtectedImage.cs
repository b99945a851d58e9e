using MedCrypt.Crypto.Images;

namespace MedCrypt.Crypto.Schemes;

/// <summary>A protected image and what its decryption needs besides the key: the scheme and the per-image nonce.</summary>
public sealed record ProtectedImage(string SchemeId, PixelImage Pixels, byte[] Nonce);

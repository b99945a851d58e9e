namespace MedCrypt.Domain.Studies;

/// <summary>
/// A study's two images as stored, each an AES-256-GCM envelope, and what their associated data binds them to. Only
/// the use cases that unseal an image see this; it never leaves the Domain.
/// </summary>
public sealed record SealedStudy(Guid Id, string SchemeId, string SchemeKeyId, byte[] ProtectedNonce, byte[] SealedProtected, byte[] SealedOriginal);

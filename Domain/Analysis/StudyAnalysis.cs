using MedCrypt.Crypto.Images;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// Everything an analysis produces, ready to be stored in one transaction: the protected image (pixels, nonce, and
/// its PNG sealed in an AES-256-GCM envelope bound to study, scheme and nonce), the original only as an envelope bound
/// to the study, and the diagnosis.
/// </summary>
public sealed record StudyAnalysis(
    Guid StudyId,
    string SchemeId,
    PixelImage ProtectedPixels,
    byte[] ProtectedNonce,
    byte[] SealedProtected,
    byte[] SealedOriginal,
    int OriginalWidth,
    int OriginalHeight,
    Diagnosis Diagnosis,
    bool DecryptedForInference);

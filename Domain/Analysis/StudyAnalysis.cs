using MedCrypt.Crypto.Images;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// Everything an analysis produces, ready to be stored in one transaction: the protected image (pixels, nonce, PNG),
/// the original only as an AES-256-GCM envelope bound to the study, and the diagnosis.
/// </summary>
public sealed record StudyAnalysis(
    Guid StudyId,
    string SchemeId,
    PixelImage ProtectedPixels,
    byte[] ProtectedNonce,
    byte[] ProtectedPng,
    byte[] SealedOriginal,
    int OriginalWidth,
    int OriginalHeight,
    Diagnosis Diagnosis,
    bool DecryptedForInference);

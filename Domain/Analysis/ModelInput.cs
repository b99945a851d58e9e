using MedCrypt.Inference.Classification;

namespace MedCrypt.Domain.Analysis;

/// <summary>What the models are handed for one protected image: the pixels (with their per-image permutation, if any), a block adaptation per model, and whether the pixels had to be decrypted first.</summary>
public sealed record ModelInput(ImageInput Image, IReadOnlyDictionary<string, AdaptationParameters>? Adaptations, bool Decrypted);

using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging;

/// <summary>
/// Stops what is not a brain MRI slice before it is protected or screened, on the original pixels (so it is the same
/// whatever scheme protects them, and never skipped). Thresholds on <see cref="BrainSliceFeatures"/> fitted by
/// models/training/scripts/fit_brain_gate.py on the training split and half of the non-brain images (each at the
/// fitted brain slices' 0.05 % tail, 10 % beyond); figures on the other part in models/MODEL_CARD.md.
/// </summary>
public static class BrainSliceGate
{
    // models/brain-gate.json holds the same numbers (a test keeps the two in step).
    public const double MaxSaturation = 4.2174;
    public const double MinContrast = 5.0724;
    public const double MinSmoothness = 0.5752;
    public const double MaxBrightShare = 0.0982;
    public const double MinHeadShare = 0.011;
    public const double MaxHeadShare = 0.9422;
    public const double MinSolidity = 0.0776;

    /// <summary>Why the image is not a brain slice (machine-readable), or null when it passes.</summary>
    public static string? Judge(BrainSliceFeatures f) =>
        f.Saturation > MaxSaturation ? "colour"
        : f.Contrast < MinContrast ? "blank"
        : f.Smoothness < MinSmoothness ? "texture"
        : f.BrightShare > MaxBrightShare ? "background"
        : f.HeadShare < MinHeadShare || f.HeadShare > MaxHeadShare ? "extent"
        : f.Solidity < MinSolidity ? "shape"
        : null;

    /// <exception cref="NotABrainSliceException">The image does not look like a brain MRI slice.</exception>
    public static void Check(PixelImage gray, PixelImage colour)
    {
        string? reason = Judge(BrainSliceFeatures.Measure(gray, colour));
        if (reason is not null)
        {
            throw new NotABrainSliceException(reason) { Unprocessable = true };
        }
    }
}

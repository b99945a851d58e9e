namespace MedCrypt.Crypto.Metrics;

/// <summary>The security metrics of a protected image against its original, as the viewer shows them.</summary>
public sealed record SecurityReport(
    double Npcr,
    double Uaci,
    double Entropy,
    double HorizontalCorrelation,
    double VerticalCorrelation,
    double DiagonalCorrelation,
    double Psnr,
    long[] Histogram);

namespace MedCrypt.Domain.Analysis;

/// <summary>The <c>Analysis</c> configuration section.</summary>
public sealed record AnalysisOptions
{
    /// <summary>
    /// Whether images under a cipher no model can read (logistic-sine) may be decrypted inside the portal's process to
    /// be classified. When false such analyses are refused; when true the result and the audit log say it happened.
    /// </summary>
    public bool AllowDecryptForInference { get; init; } = true;
}

namespace MedCrypt.Domain.Analysis;

/// <summary>The stages of an analysis, as the stage tag of <see cref="AnalysisTelemetry"/> names them.</summary>
public static class AnalysisStages
{
    public const string Decode = "decode";
    public const string Prepare = "prepare";
    public const string Protect = "protect";
    public const string Seal = "seal";
    public const string Infer = "infer";
    public const string Commit = "commit";
}

namespace MedCrypt.Domain.Studies;

/// <summary>A heat map ready for the viewer: which model, its tumor probability, the map as PNG.</summary>
public sealed record Explanation(string Model, double TumorProbability, byte[] Png, bool OverOriginal);

namespace MedCrypt.Domain.History;

/// <summary>One model on one device, today.</summary>
public sealed record ModelFigures(string Model, string Device, double MeanLatencyMilliseconds, int Predictions);

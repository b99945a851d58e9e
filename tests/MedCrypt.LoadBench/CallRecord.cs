namespace MedCrypt.LoadBench;

/// <summary>One upload: when it started (from the phase's start), how long it took, its status (0: no answer) and the study it created.</summary>
internal sealed record CallRecord(TimeSpan StartedAt, TimeSpan Latency, int Status, Guid? Study, string Detail);

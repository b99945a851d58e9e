namespace MedCrypt.Domain.Schemes;

/// <summary>What staff, doctors and hospital systems need to know of a protection scheme to choose one.</summary>
public sealed record SchemeDescriptor(string Id, string Name, bool Invertible, bool ReadableByModels);

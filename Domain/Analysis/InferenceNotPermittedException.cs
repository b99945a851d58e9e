namespace MedCrypt.Domain.Analysis;

/// <summary>The requested scheme can only be classified after decryption, and this installation forbids that.</summary>
public sealed class InferenceNotPermittedException(string message) : Exception(message);

namespace MedCrypt.Domain.Failures;

/// <summary>The thing asked for does not exist (404).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

namespace MedCrypt.Domain.Failures;

/// <summary>A part the request needs is not running here (503): no models installed. Nothing was stored.</summary>
public sealed class ServiceUnavailableException(string message) : DomainException(message);

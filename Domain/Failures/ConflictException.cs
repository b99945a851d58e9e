namespace MedCrypt.Domain.Failures;

/// <summary>The request collides with the state it finds (409): a stored image that does not verify, a change another administrator already made.</summary>
public sealed class ConflictException(string message, Exception? innerException = null) : DomainException(message, innerException);

namespace MedCrypt.Domain.Failures;

/// <summary>
/// A failure the person or system calling a use case can act on; the message says what happened in their words. The
/// portal maps each kind to one HTTP status and one UI message (one handler); anything else is a bug or an outage.
/// </summary>
public abstract class DomainException(string message, Exception? innerException = null) : Exception(message, innerException);

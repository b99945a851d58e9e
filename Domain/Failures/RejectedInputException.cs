namespace MedCrypt.Domain.Failures;

/// <summary>The request is understood but cannot be carried out as sent (400, or 422 where <see cref="Unprocessable"/>): an unknown scheme, a bad filter, a file that is not a usable image.</summary>
public class RejectedInputException(string message, Exception? innerException = null) : DomainException(message, innerException)
{
    /// <summary>Well-formed but refused on its merits (too large, a scheme this installation will not read): 422 rather than 400.</summary>
    public bool Unprocessable { get; init; }
}

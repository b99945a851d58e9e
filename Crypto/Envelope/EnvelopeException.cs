using System.Security.Cryptography;

namespace MedCrypt.Crypto.Envelope;

/// <summary>
/// An envelope could not be opened: it was tampered with or truncated, belongs to another context
/// (associated data), or the key is wrong. Never partial plaintext.
/// </summary>
public sealed class EnvelopeException : CryptographicException
{
    public EnvelopeException(string message)
        : base(message)
    {
    }

    public EnvelopeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

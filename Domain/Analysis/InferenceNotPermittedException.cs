using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Analysis;

/// <summary>The requested scheme can only be classified after decryption, and this installation forbids that (422: well-formed, refused by the installation's rule).</summary>
public sealed class InferenceNotPermittedException : RejectedInputException
{
    public InferenceNotPermittedException(string message)
        : base(message)
    {
        Unprocessable = true;
    }
}

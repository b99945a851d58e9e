using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Transfer;

/// <summary>A transfer package that is not taken in (422): nothing of it was stored, and the refusal is audited.</summary>
public sealed class PackageRefusedException : RejectedInputException
{
    public PackageRefusedException(PackageRefusal reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
        Unprocessable = true;
    }

    public PackageRefusal Reason { get; }
}

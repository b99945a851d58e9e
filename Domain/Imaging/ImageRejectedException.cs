using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Imaging;

/// <summary>An upload that is not an image MedCrypt can take; the message says why, in words a person understands.</summary>
public sealed class ImageRejectedException(string message, Exception? innerException = null) : RejectedInputException(message, innerException)
{
    /// <summary>
    /// The file is a readable image whose header declares more pixels than MedCrypt decodes (a side over the limit or
    /// over the pixel budget): not damaged, just too large — the API answers 422 rather than 400.
    /// </summary>
    public bool TooLarge
    {
        get => Unprocessable;
        init => Unprocessable = value;
    }
}

using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Imaging;

/// <summary>A readable image that <see cref="BrainSliceGate"/> refused: it is not screened (422 with <see cref="Reason"/>).</summary>
public sealed class NotABrainSliceException(string reason, string message = NotABrainSliceException.Text) : RejectedInputException(message)
{
    public const string Text = "The image does not look like a brain MRI slice; it was not screened.";

    /// <summary>Machine-readable: <c>colour</c>, <c>blank</c>, <c>texture</c>, <c>background</c>, <c>extent</c> or <c>shape</c> (the pixel gate); <c>modality</c> or <c>mosaic</c> (a DICOM header).</summary>
    public string Reason { get; } = reason;
}

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// The only header values MedCrypt keeps from a DICOM file: what a reader of the scan needs clinically, nothing that
/// names the patient, the institution or the staff. The patient is a <see cref="PatientPseudonym"/>, made elsewhere.
/// </summary>
public sealed record DicomMetadata(
    string Modality,
    string? SeriesDescription,
    int Rows,
    int Columns,
    int Frames,
    string? PixelSpacing,
    double? SliceThickness,
    double? RepetitionTime,
    double? EchoTime,
    string? ManufacturerModel)
{
    public static DicomMetadata Of(DicomDataset dataset, DicomGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(geometry);
        return new DicomMetadata(
            Code(dataset.Text(DicomTag.Modality)) ?? "OT",
            dataset.Text(DicomTag.SeriesDescription),
            geometry.Rows,
            geometry.Columns,
            geometry.Frames,
            dataset.TextAnywhere(DicomTag.PixelSpacing),
            dataset.Number(DicomTag.SliceThickness),
            dataset.Number(DicomTag.RepetitionTime),
            dataset.Number(DicomTag.EchoTime),
            dataset.Text(DicomTag.ManufacturerModelName));
    }

    /// <summary>A modality code goes into a file name: letters and digits only, at most 16.</summary>
    private static string? Code(string? text)
    {
        string code = new([.. (text ?? "").Where(char.IsAsciiLetterOrDigit).Take(16)]);
        return code.Length == 0 ? null : code.ToUpperInvariant();
    }
}

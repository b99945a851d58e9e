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
            Bounded(dataset.Text(DicomTag.SeriesDescription)),
            geometry.Rows,
            geometry.Columns,
            geometry.Frames,
            Spacing(dataset.TextAnywhere(DicomTag.PixelSpacing)),
            dataset.Number(DicomTag.SliceThickness),
            dataset.Number(DicomTag.RepetitionTime),
            dataset.Number(DicomTag.EchoTime),
            Bounded(dataset.Text(DicomTag.ManufacturerModelName)));
    }

    public const int MaxText = 64;

    /// <summary>
    /// The same values held to the limits <see cref="Of"/> applies to a file's header: for values that arrive from
    /// elsewhere (another hospital's package), which are not trusted to have been bounded.
    /// </summary>
    public DicomMetadata Bounded() => new(
        Code(Modality) ?? "OT",
        Bounded(SeriesDescription),
        Math.Clamp(Rows, 0, 65535),
        Math.Clamp(Columns, 0, 65535),
        Math.Clamp(Frames, 0, 65535),
        Spacing(PixelSpacing),
        Finite(SliceThickness),
        Finite(RepetitionTime),
        Finite(EchoTime),
        Bounded(ManufacturerModel));

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) && v is >= 0 and < 1e6 ? v : null;

    /// <summary>
    /// Free text, kept short and printable ASCII: it goes into a database column of bounded size and API answers.
    /// (A series description a technician typed a name into is not caught by this: docs/dicom.md names the risk.)
    /// </summary>
    private static string? Bounded(string? text)
    {
        string kept = new([.. (text ?? "").Where(c => c is >= ' ' and <= '~').Take(MaxText)]);
        return kept.Trim().Length == 0 ? null : kept.Trim();
    }

    /// <summary>Row and column spacing in mm as two positive numbers ("0.9375\0.9375"), or nothing: never free text.</summary>
    private static string? Spacing(string? text)
    {
        string[] parts = (text ?? "").Split('\\');
        return parts.Length == 2
            && double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double row) && row is > 0 and < 1000
            && double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double column) && column is > 0 and < 1000
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{row:0.######}\\{column:0.######}")
            : null;
    }

    /// <summary>A modality code goes into a file name: letters and digits only, at most 16.</summary>
    private static string? Code(string? text)
    {
        string code = new([.. (text ?? "").Where(char.IsAsciiLetterOrDigit).Take(16)]);
        return code.Length == 0 ? null : code.ToUpperInvariant();
    }
}

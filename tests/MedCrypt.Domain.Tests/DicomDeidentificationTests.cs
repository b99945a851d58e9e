using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Domain.Studies;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// What a hostile or careless header cannot get into the study (found by an outside privacy review): free text longer
/// than a short line or outside printable ASCII, pixel spacing that is not two numbers, one pseudonym for many patients
/// without a real Patient ID, or two IDs that join to the same text; and a DICOM file's own name.
/// </summary>
public sealed class DicomDeidentificationTests
{
    private readonly DicomCodec _codec = new(new ImageCodec(minSide: 4), new DicomDecompressor());

    [Fact]
    public void Free_text_is_bounded_spacing_is_numbers_and_a_placeholder_id_groups_nothing()
    {
        string description = "DOE JOHN 1970-01-01 follow-up " + new string('x', 5000) + "Müller";
        DicomImage image = _codec.Decode(File(description, spacing: "name: DOE", patientId: "***"), TestContext.Current.CancellationToken);

        Assert.NotNull(image.Metadata.SeriesDescription);
        Assert.True(image.Metadata.SeriesDescription!.Length <= DicomMetadata.MaxText);
        Assert.All(image.Metadata.SeriesDescription, c => Assert.InRange(c, ' ', '~'));
        Assert.Null(image.Metadata.PixelSpacing);
        Assert.Null(image.PatientKey);

        DicomImage spaced = _codec.Decode(File("T1 axial", spacing: "0.9375\\0.9375", patientId: "P-1"), TestContext.Current.CancellationToken);
        Assert.Equal("0.9375\\0.9375", spaced.Metadata.PixelSpacing);
        Assert.NotNull(spaced.PatientKey);
    }

    [Fact]
    public void Ids_that_join_alike_have_different_pseudonym_inputs()
    {
        Assert.NotEqual(PatientPseudonym.KeyOf("A^B", null), PatientPseudonym.KeyOf("A", "B^"));
        Assert.Null(PatientPseudonym.KeyOf("", "HOSP"));
        Assert.Null(PatientPseudonym.KeyOf("  ---  ", null));
        Assert.NotEqual(PatientPseudonym.Ungrouped(), PatientPseudonym.Ungrouped());
    }

    [Theory]
    [InlineData("DOE^JOHN_12345.dcm", true)]
    [InlineData("1.2.840.113619.2.55.3", true)]
    [InlineData("IM0001.IMA", true)]
    [InlineData("scan.png", false)]
    public void A_dicom_file_name_is_never_kept(string name, bool dicom) => Assert.Equal(dicom, AnalyseStudy.LooksLikeDicomName(name));

    private static byte[] File(string description, string spacing, string patientId) =>
        new DicomWriter()
            .Text(0x0008_0060, "CS", "MR")
            .Text(0x0008_103E, "LO", description)
            .Text(0x0010_0010, "PN", "Doe^John")
            .Text(0x0010_0020, "LO", patientId)
            .UInt16(0x0028_0002, 1)
            .Text(0x0028_0004, "CS", "MONOCHROME2")
            .UInt16(0x0028_0010, 4)
            .UInt16(0x0028_0011, 4)
            .Text(0x0028_0030, "DS", spacing)
            .UInt16(0x0028_0100, 16)
            .UInt16(0x0028_0101, 12)
            .UInt16(0x0028_0103, 0)
            .Pixels16(Enumerable.Range(0, 16).Select(i => i * 100))
            .ToArray();
}

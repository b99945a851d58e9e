namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>A data element's tag, (group, element) as one number: 0x00280010 is Rows.</summary>
public static class DicomTag
{
    public const uint TransferSyntaxUid = 0x0002_0010;
    public const uint ImageType = 0x0008_0008;
    public const uint Modality = 0x0008_0060;
    public const uint Manufacturer = 0x0008_0070;
    public const uint SeriesDescription = 0x0008_103E;
    public const uint ManufacturerModelName = 0x0008_1090;
    public const uint PatientId = 0x0010_0020;
    public const uint IssuerOfPatientId = 0x0010_0021;
    public const uint SliceThickness = 0x0018_0050;
    public const uint RepetitionTime = 0x0018_0080;
    public const uint EchoTime = 0x0018_0081;

    /// <summary>Siemens' private NumberOfImagesInMosaic (its CSA header's block, creator at (0019,0010)): present only in a mosaic.</summary>
    public const uint SiemensImagesInMosaic = 0x0019_100A;
    public const uint SamplesPerPixel = 0x0028_0002;
    public const uint PhotometricInterpretation = 0x0028_0004;
    public const uint NumberOfFrames = 0x0028_0008;
    public const uint Rows = 0x0028_0010;
    public const uint Columns = 0x0028_0011;
    public const uint PixelSpacing = 0x0028_0030;
    public const uint BitsAllocated = 0x0028_0100;
    public const uint BitsStored = 0x0028_0101;
    public const uint PixelRepresentation = 0x0028_0103;
    public const uint RescaleIntercept = 0x0028_1052;
    public const uint RescaleSlope = 0x0028_1053;
    public const uint PixelData = 0x7FE0_0010;

    // Items and delimiters of sequences and encapsulated pixel data: always implicit, always 4-byte lengths.
    public const uint Item = 0xFFFE_E000;
    public const uint ItemDelimitation = 0xFFFE_E00D;
    public const uint SequenceDelimitation = 0xFFFE_E0DD;
}

using MedCrypt.Testing;

namespace MedCrypt.Portal.Tests;

/// <summary>DICOM files made in code, carrying the identity the de-identification must remove.</summary>
internal static class TestDicom
{
    /// <summary>A 64 × 64 signed 16-bit MR head (an ellipse of tissue on black), explicit little endian, with a rescale and a window.</summary>
    /// <param name="modality">What the header says it is (the pixels stay an MR head's); empty: no Modality at all.</param>
    /// <param name="imageType">ImageType (0008,0008), left out when null.</param>
    /// <param name="window">Window centre and width as the file stores them (DS strings); 128 / 256 when null.</param>
    public static byte[] Head(string patientName, string patientId, string modality = "MR", string? imageType = null, (string Centre, string Width)? window = null)
    {
        var values = new int[64 * 64];
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double u = (x - 32) / 26.0, v = (y - 32) / 28.0;
                values[(y * 64) + x] = (u * u) + (v * v) <= 1 ? 80 + (((3 * x) + y) % 100) - 500 : -500;
            }
        }

        var writer = new DicomWriter();
        if (imageType is not null)
        {
            writer.Text(0x0008_0008, "CS", imageType);
        }

        if (modality.Length > 0)
        {
            writer.Text(0x0008_0060, "CS", modality);
        }

        return writer
            .Text(0x0008_0080, "LO", "St Elsewhere Hospital")
            .Text(0x0010_0010, "PN", patientName)
            .Text(0x0010_0020, "LO", patientId)
            .Text(0x0010_0030, "DA", "19800101")
            .UInt16(0x0028_0002, 1)
            .Text(0x0028_0004, "CS", "MONOCHROME2")
            .UInt16(0x0028_0010, 64)
            .UInt16(0x0028_0011, 64)
            .UInt16(0x0028_0100, 16)
            .UInt16(0x0028_0101, 16)
            .UInt16(0x0028_0103, 1)
            .Text(0x0028_1050, "DS", window?.Centre ?? "128")
            .Text(0x0028_1051, "DS", window?.Width ?? "256")
            .Text(0x0028_1052, "DS", "500")
            .Text(0x0028_1053, "DS", "1")
            .Pixels16(values)
            .ToArray();
    }

    /// <summary>One DICOM file as the API's multipart upload, under the default scheme.</summary>
    public static MultipartFormDataContent Upload(byte[] bytes, string name) => Api.Upload(bytes, name, "pixel-shuffle", "application/dicom");
}

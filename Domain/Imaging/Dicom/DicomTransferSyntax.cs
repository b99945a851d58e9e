namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// How a dataset is written: the three native encodings are read here; every other syntax MedCrypt knows is
/// encapsulated (compressed) pixel data that <see cref="DicomDecompressor"/> turns into explicit little endian first.
/// </summary>
public sealed record DicomTransferSyntax(string Uid, string Name, bool ExplicitVr, bool BigEndian, bool Encapsulated)
{
    public static readonly DicomTransferSyntax ImplicitLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false);
    public static readonly DicomTransferSyntax ExplicitLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false);
    public static readonly DicomTransferSyntax ExplicitBigEndian = new("1.2.840.10008.1.2.2", "Explicit VR Big Endian", true, true, false);

    private static readonly Dictionary<string, DicomTransferSyntax> Known = new DicomTransferSyntax[]
    {
        ImplicitLittleEndian,
        ExplicitLittleEndian,
        ExplicitBigEndian,
        Compressed("1.2.840.10008.1.2.5", "RLE Lossless"),
        Compressed("1.2.840.10008.1.2.4.50", "JPEG Baseline"),
        Compressed("1.2.840.10008.1.2.4.51", "JPEG Extended"),
        Compressed("1.2.840.10008.1.2.4.57", "JPEG Lossless"),
        Compressed("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1"),
        Compressed("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
        Compressed("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless"),
        Compressed("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
        Compressed("1.2.840.10008.1.2.4.91", "JPEG 2000"),
    }.ToDictionary(s => s.Uid, StringComparer.Ordinal);

    /// <summary>The syntax for <paramref name="uid"/>, or null for one MedCrypt does not read (deflate, video, private).</summary>
    public static DicomTransferSyntax? Find(string uid) => Known.GetValueOrDefault(uid);

    private static DicomTransferSyntax Compressed(string uid, string name) => new(uid, name, true, false, true);
}

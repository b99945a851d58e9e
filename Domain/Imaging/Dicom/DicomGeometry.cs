namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>The image pixel module as MedCrypt takes it: one sample a pixel (grayscale), 8 or 16 bits allocated.</summary>
public sealed record DicomGeometry(int Rows, int Columns, int Frames, int BitsAllocated, int BitsStored, bool Signed, bool Inverted)
{
    /// <exception cref="ImageRejectedException">Missing or unsupported pixel attributes (colour, 32-bit, inconsistent bits).</exception>
    public static DicomGeometry Of(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int rows = dataset.UInt16(DicomTag.Rows) ?? throw Missing("Rows");
        int columns = dataset.UInt16(DicomTag.Columns) ?? throw Missing("Columns");
        int bitsAllocated = dataset.UInt16(DicomTag.BitsAllocated) ?? throw Missing("Bits Allocated");
        int bitsStored = dataset.UInt16(DicomTag.BitsStored) ?? bitsAllocated;
        int samples = dataset.UInt16(DicomTag.SamplesPerPixel) ?? 1;
        string photometric = dataset.Text(DicomTag.PhotometricInterpretation) ?? "MONOCHROME2";
        double frames = dataset.TopNumber(DicomTag.NumberOfFrames) ?? 1;
        if (samples != 1 || photometric is not ("MONOCHROME1" or "MONOCHROME2"))
        {
            throw new ImageRejectedException("The DICOM image is not grayscale (MONOCHROME1 or MONOCHROME2, one sample a pixel); MedCrypt screens MR slices.") { Unprocessable = true };
        }

        if (bitsAllocated is not (8 or 16) || bitsStored < 1 || bitsStored > bitsAllocated)
        {
            throw new ImageRejectedException($"The DICOM image has {bitsStored} of {bitsAllocated} bits a pixel; MedCrypt reads 8- or 16-bit pixels.") { Unprocessable = true };
        }

        if (frames < 1 || frames > 10_000 || frames != Math.Floor(frames))
        {
            throw new ImageRejectedException("The DICOM file declares an impossible number of frames.");
        }

        return new DicomGeometry(rows, columns, (int)frames, bitsAllocated, bitsStored, dataset.UInt16(DicomTag.PixelRepresentation) == 1, photometric == "MONOCHROME1");
    }

    private static ImageRejectedException Missing(string attribute) => new($"The DICOM file has no {attribute}: it is not an image, or its header is damaged.");
}

using System.Buffers.Binary;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// One frame's stored values as modality values (rescale slope and intercept applied), row by row. Bits stored are
/// masked and, for signed data (pixel representation 1), sign-extended from the stored bit width, so 12-bit signed
/// data in 16-bit words reads right; big-endian words are swapped.
/// </summary>
public static class DicomFrame
{
    /// <exception cref="ImageRejectedException">The pixel module is inconsistent or the data is shorter than declared.</exception>
    public static double[] Read(DicomDataset dataset, ReadOnlySpan<byte> pixelData, int frame, DicomGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(geometry);
        int bytesPerSample = geometry.BitsAllocated / 8;
        long frameBytes = (long)geometry.Rows * geometry.Columns * bytesPerSample;
        if (pixelData.Length < frameBytes * geometry.Frames)
        {
            throw new ImageRejectedException(
                $"The DICOM pixel data is truncated: {geometry.Frames} frame(s) of {geometry.Columns} × {geometry.Rows} need {frameBytes * geometry.Frames:N0} bytes, the file holds {pixelData.Length:N0}.");
        }

        ReadOnlySpan<byte> source = pixelData.Slice((int)(frameBytes * frame), (int)frameBytes);
        double slope = dataset.Number(DicomTag.RescaleSlope) ?? 1;
        double intercept = dataset.Number(DicomTag.RescaleIntercept) ?? 0;
        if (slope == 0)
        {
            slope = 1; // a zero slope would make every pixel one value: read as absent
        }

        int bits = geometry.BitsStored;
        uint mask = bits >= 32 ? uint.MaxValue : (1u << bits) - 1;
        int shift = 32 - bits;
        bool signed = geometry.Signed;
        bool bigEndian = dataset.Syntax.BigEndian;
        var values = new double[geometry.Rows * geometry.Columns];
        for (int i = 0; i < values.Length; i++)
        {
            uint raw = bytesPerSample == 1
                ? source[i]
                : bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source.Slice(i * 2, 2)) : BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(i * 2, 2));
            raw &= mask;
            long stored = signed ? (int)(raw << shift) >> shift : raw;
            values[i] = (stored * slope) + intercept;
        }

        return values;
    }
}

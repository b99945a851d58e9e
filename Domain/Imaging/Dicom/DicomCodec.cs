using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// A DICOM Part 10 upload to the grayscale frame MedCrypt screens. The header is read here; compressed pixel data
/// is handed to <see cref="DicomDecompressor"/> only after the pixel budget (<see cref="ImageCodec.MaxPixels"/>) and the
/// side limits were checked from the header. A multi-frame file (enhanced MR, a whole series in one file) gives every
/// frame, each screened as a slice of a series is.
/// </summary>
public sealed class DicomCodec(ImageCodec limits, DicomDecompressor decompressor)
{
    /// <summary>What a file's frames may add up to once decompressed (bounds the tool's output and our buffers).</summary>
    /// <summary>256 MB: a whole 512 × 512 × 480-slice 16-bit series in one file; a 20 MB upload that claims more is refused unread.</summary>
    public const long MaxDecompressedBytes = 256L * 1024 * 1024;

    /// <exception cref="ImageRejectedException">Damaged, truncated, not grayscale, over the budget, or an unsupported syntax.</exception>
    public DicomImage Decode(ReadOnlyMemory<byte> file, CancellationToken cancellationToken = default) => Decode(file, int.MaxValue, cancellationToken);

    /// <param name="maxFrames">At most this many frames (the slices a series has room for), checked from the header before anything is decoded.</param>
    /// <exception cref="ImageRejectedException">Damaged, truncated, not grayscale, over the budget or <paramref name="maxFrames"/>, or an unsupported syntax.</exception>
    public DicomImage Decode(ReadOnlyMemory<byte> file, int maxFrames, CancellationToken cancellationToken = default)
    {
        DicomDataset dataset = DicomReader.Read(file);
        DicomGeometry geometry = DicomGeometry.Of(dataset);
        CheckBudget(geometry);
        if (geometry.Frames > maxFrames)
        {
            throw new ImageRejectedException($"The DICOM file has {geometry.Frames} frames; the series has room for {Math.Max(maxFrames, 0)} more slices.") { TooLarge = true };
        }

        if (dataset.EncapsulatedPixelData)
        {
            byte[] raw = decompressor.Decompress(file.Span, cancellationToken);
            DicomDataset decompressed = DicomReader.Read(raw);
            if (decompressed.Syntax.Encapsulated)
            {
                throw new ImageRejectedException("The DICOM file's compressed pixel data could not be decompressed.");
            }

            // The pixel module as the decoder wrote it (a lossy JPEG may have changed bits stored); the budget again, as for any file.
            return Decode(decompressed, DicomGeometry.Of(decompressed), cancellationToken);
        }

        return Decode(dataset, geometry, cancellationToken);
    }

    private DicomImage Decode(DicomDataset dataset, DicomGeometry geometry, CancellationToken cancellationToken)
    {
        CheckBudget(geometry);
        cancellationToken.ThrowIfCancellationRequested();
        ReadOnlyMemory<byte> pixelData = dataset.NativePixelData
            ?? throw new ImageRejectedException("The DICOM file has no pixel data.");
        var frames = new PixelImage[geometry.Frames];
        for (int frame = 0; frame < frames.Length; frame++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double[] values = DicomFrame.Read(dataset, pixelData.Span, frame, geometry);
            frames[frame] = DicomWindow.ToGray8(values, geometry.Columns, geometry.Rows, geometry.Inverted);
        }

        string? patient = PatientPseudonym.KeyOf(dataset.Text(DicomTag.PatientId), dataset.Text(DicomTag.IssuerOfPatientId));
        bool mosaic = dataset.Text(DicomTag.ImageType)?.Split('\\').Any(v => v.Trim().ToUpperInvariant() is "MOSAIC" or "VFRAME") == true
            || dataset.Contains(DicomTag.SiemensImagesInMosaic);
        return new DicomImage(frames, DicomMetadata.Of(dataset, geometry), patient, mosaic, !string.IsNullOrWhiteSpace(dataset.Text(DicomTag.Modality)));
    }

    private void CheckBudget(DicomGeometry geometry)
    {
        int width = geometry.Columns, height = geometry.Rows;
        if (width < limits.MinSide || height < limits.MinSide || width > limits.MaxSide || height > limits.MaxSide)
        {
            throw new ImageRejectedException($"The DICOM image is {width} × {height} pixels; MedCrypt takes {limits.MinSide} to {limits.MaxSide} pixels a side.")
            { TooLarge = width > limits.MaxSide || height > limits.MaxSide };
        }

        if ((long)width * height > limits.MaxPixels)
        {
            throw new ImageRejectedException($"The DICOM image is {width} × {height} pixels; MedCrypt analyses at most {limits.MaxPixels:N0} pixels a scan.") { TooLarge = true };
        }

        if ((long)width * height * (geometry.BitsAllocated / 8) * geometry.Frames > MaxDecompressedBytes)
        {
            throw new ImageRejectedException($"The DICOM file's {geometry.Frames} frames would decompress to over {MaxDecompressedBytes / 1_048_576} MB.") { TooLarge = true };
        }
    }
}

using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>DICOM files built here, so these run everywhere: the pixels each transfer syntax and pixel module gives, exactly.</summary>
public sealed class DicomCodecTests
{
    // 12-bit signed values either side of zero: read unsigned, or without sign extension, the negative ones would sort
    // above the positive ones and the picture would change.
    private static readonly int[] Stored = [-500, -373, -436, -10, -600, -499, -498, 300, -450, -300, -420, 1500, -460, -470, -480, -490];

    // Slope 2, intercept 1000. Of 16 values the 0.5 % and 99.9 % percentiles are the lowest and the highest.
    private static readonly byte[] Expected = Mapped(slope: 2);

    private readonly DicomCodec _codec = new(new ImageCodec(minSide: 4), new DicomDecompressor());

    [Theory]
    [InlineData(DicomWriter.ExplicitLittle)]
    [InlineData(DicomWriter.ImplicitLittle)]
    [InlineData(DicomWriter.ExplicitBig)]
    public void Signed_16_bit_with_a_rescale_decodes_to_exact_pixels(string syntax)
    {
        DicomImage image = _codec.Decode(File(syntax, "MONOCHROME2"), TestContext.Current.CancellationToken);

        Assert.Equal(4, image.Frames.Single().Width);
        Assert.Equal(4, image.Frames.Single().Height);
        Assert.Equal(PixelFormat.Gray8, image.Frames.Single().Format);
        Assert.Equal(Expected, image.Frames.Single().Pixels.ToArray());
        Assert.Equal(0, Expected[4]); // stored -600, the lowest
        Assert.Equal(255, Expected[11]); // stored 1500, the highest
        Assert.Equal("MR", image.Metadata.Modality);
        Assert.Equal("5:P-123|4:HOSP", image.PatientKey); // length-prefixed: ("A^B", "") and ("A", "B^") differ
    }

    [Fact]
    public void Monochrome1_is_inverted()
    {
        DicomImage image = _codec.Decode(File(DicomWriter.ExplicitLittle, "MONOCHROME1"), TestContext.Current.CancellationToken);

        Assert.Equal(Expected.Select(p => (byte)(255 - p)), image.Frames.Single().Pixels.ToArray());
    }

    [Fact]
    public void A_negative_slope_turns_the_picture_over()
    {
        DicomImage image = _codec.Decode(File(DicomWriter.ExplicitLittle, "MONOCHROME2", slope: "-2"), TestContext.Current.CancellationToken);

        Assert.Equal(Mapped(slope: -2), image.Frames.Single().Pixels.ToArray());
        Assert.Equal(255, image.Frames.Single().Pixels[4]); // stored -600 is now the highest modality value
    }

    [Fact]
    public void A_frame_whose_signal_is_under_a_thousandth_of_it_is_not_black()
    {
        // 255 × 255 zeros and 40 bright pixels: the 99.9th percentile is still 0, so min..max sets the range.
        var values = new double[255 * 255];
        for (int i = 0; i < 40; i++)
        {
            values[i * 997] = 1000 + i;
        }

        byte[] pixels = DicomWindow.ToGray8(values, 255, 255, inverted: false).Pixels.ToArray();
        Assert.Equal(40, pixels.Count(p => p > 240));
        Assert.Equal(255 * 255 - 40, pixels.Count(p => p == 0));
        Assert.All(DicomWindow.ToGray8(new double[64], 8, 8, inverted: false).Pixels.ToArray(), p => Assert.Equal(0, p)); // flat: black
    }

    [Fact]
    public void The_percentiles_are_exact_for_any_slope()
    {
        // The histogram's walk against a sort, on 16-bit values (both ends of the range drawn) through a fractional slope
        // and a large intercept; of 90,000 values the percentiles are interior ranks (449 and 89,910).
        var random = new Random(5);
        double[] values = [.. Enumerable.Range(0, 300 * 300).Select(i => (i < 2 ? i * 65_535 : random.Next(0, 65_536)) * 0.37 - 12_000)];
        double[] sorted = [.. values.Order()];
        double low = sorted[(int)Math.Floor(DicomWindow.LowPercentile * (values.Length - 1))];
        double high = sorted[(int)Math.Ceiling(DicomWindow.HighPercentile * (values.Length - 1))];
        byte[] expected = [.. values.Select(v => (byte)Math.Clamp(Math.Round((v - low) / (high - low) * 255, MidpointRounding.AwayFromZero), 0, 255))];

        Assert.Equal(expected, DicomWindow.ToGray8(values, 300, 300, inverted: false).Pixels.ToArray());
    }

    [Fact]
    public void A_rescale_slope_too_small_for_the_histogram_is_still_mapped()
    {
        // A crafted RescaleSlope of 1E-310: the range is too small to divide into bins, so a sort decides.
        double[] values = [.. Enumerable.Range(0, 64).Select(i => i * 1e-310)];

        byte[] pixels = DicomWindow.ToGray8(values, 8, 8, inverted: false).Pixels.ToArray();
        Assert.Equal(0, pixels[0]);
        Assert.Equal(255, pixels[^1]);
    }

    [Theory]
    [InlineData("128\\40", "256\\80")] // the whole range and a second, narrower one
    [InlineData("300", "100")] // clips the bright end, where a FLAIR lesion lies
    [InlineData("-5000", "1")] // everything white
    public void The_file_s_window_does_not_change_the_pixels(string centre, string width)
    {
        // Another hospital saves the same pixels with its own window: the models and the viewer must see the same slice.
        byte[] windowed = File(DicomWriter.ExplicitLittle, "MONOCHROME2", (centre, width));

        Assert.Equal(Expected, _codec.Decode(windowed, TestContext.Current.CancellationToken).Frames.Single().Pixels.ToArray());
    }

    [Fact]
    public void Truncated_pixel_data_is_refused()
    {
        byte[] file = File(DicomWriter.ExplicitLittle, "MONOCHROME2");
        Assert.Throws<ImageRejectedException>(() => _codec.Decode(file[..^7], TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Garbage_after_DICM_is_refused()
    {
        byte[] file = new byte[400];
        "DICM"u8.CopyTo(file.AsSpan(128));
        new Random(17).NextBytes(file.AsSpan(132));
        Assert.Throws<ImageRejectedException>(() => _codec.Decode(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_header_over_the_pixel_budget_is_refused_before_decoding()
    {
        byte[] file = new DicomWriter()
            .Text(0x0008_0060, "CS", "MR")
            .UInt16(0x0028_0002, 1).Text(0x0028_0004, "CS", "MONOCHROME2")
            .UInt16(0x0028_0010, 4096).UInt16(0x0028_0011, 4096)
            .UInt16(0x0028_0100, 16).UInt16(0x0028_0101, 16).UInt16(0x0028_0103, 0)
            .Pixels16([1, 2])
            .ToArray();

        ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => _codec.Decode(file, TestContext.Current.CancellationToken));
        Assert.True(e.TooLarge, e.Message);
    }

    [Fact]
    public void Every_prefix_and_flipped_byte_of_a_file_is_decoded_or_refused()
    {
        byte[] file = File(DicomWriter.ExplicitLittle, "MONOCHROME2");
        var random = new Random(42);
        for (int cut = 0; cut < file.Length; cut++)
        {
            TryDecode(file[..cut]);
        }

        for (int i = 0; i < 2000; i++)
        {
            byte[] flipped = [.. file];
            flipped[random.Next(132, flipped.Length)] ^= (byte)(1 << random.Next(8));
            TryDecode(flipped);
        }
    }

    [Fact]
    public void Compressed_pixel_data_without_the_decompressor_installed_is_a_503_not_a_crash()
    {
        var codec = new DicomCodec(new ImageCodec(minSide: 4), new DicomDecompressor("medcrypt-no-such-gdcmconv"));

        Assert.Throws<Failures.ServiceUnavailableException>(() => codec.Decode(Encapsulated(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_decompressor_that_hangs_is_stopped_at_the_timeout_and_the_file_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("The hanging tool is a shell script.");
        }

        string folder = Directory.CreateTempSubdirectory("medcrypt-hang-").FullName;
        try
        {
            string tool = Path.Combine(folder, "gdcmconv");
            System.IO.File.WriteAllText(tool, "#!/bin/sh\nexec sleep 30\n");
            if (!OperatingSystem.IsWindows())
            {
                System.IO.File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }

            var codec = new DicomCodec(new ImageCodec(minSide: 4), new DicomDecompressor(tool, TimeSpan.FromSeconds(1)));
            var watch = System.Diagnostics.Stopwatch.StartNew();

            ImageRejectedException e = Assert.Throws<ImageRejectedException>(() => codec.Decode(Encapsulated(), TestContext.Current.CancellationToken));

            Assert.True(e.Unprocessable);
            Assert.InRange(watch.Elapsed.TotalSeconds, 0.9, 10);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static byte[] Encapsulated() => new DicomWriter("1.2.840.10008.1.2.5")
        .UInt16(0x0028_0002, 1).Text(0x0028_0004, "CS", "MONOCHROME2")
        .UInt16(0x0028_0010, 4).UInt16(0x0028_0011, 4)
        .UInt16(0x0028_0100, 16).UInt16(0x0028_0101, 16).UInt16(0x0028_0103, 0)
        .Encapsulated()
        .ToArray();

    private void TryDecode(byte[] bytes)
    {
        try
        {
            _codec.Decode(bytes, TestContext.Current.CancellationToken);
        }
        catch (ImageRejectedException)
        {
            // a refusal with a reason is the right answer to a damaged file
        }
    }

    private static byte[] Mapped(int slope)
    {
        double[] modality = [.. Stored.Select(s => (slope * (double)s) + 1000)];
        double low = modality.Min(), high = modality.Max();
        return [.. modality.Select(m => (byte)Math.Round((m - low) / (high - low) * 255, MidpointRounding.AwayFromZero))];
    }

    private static byte[] File(string syntax, string photometric, (string Centre, string Width)? window = null, string slope = "2")
    {
        var writer = new DicomWriter(syntax)
            .Text(0x0008_0060, "CS", "MR")
            .Text(0x0010_0010, "PN", "Doe^Jane")
            .Text(0x0010_0020, "LO", "P-123")
            .Text(0x0010_0021, "LO", "HOSP")
            .UInt16(0x0028_0002, 1)
            .Text(0x0028_0004, "CS", photometric)
            .UInt16(0x0028_0010, 4)
            .UInt16(0x0028_0011, 4)
            .UInt16(0x0028_0100, 16)
            .UInt16(0x0028_0101, 12)
            .UInt16(0x0028_0103, 1);
        if (window is { } w)
        {
            writer.Text(0x0028_1050, "DS", w.Centre).Text(0x0028_1051, "DS", w.Width);
        }

        return writer.Text(0x0028_1052, "DS", "1000").Text(0x0028_1053, "DS", slope).Pixels16(Stored).ToArray();
    }
}

using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>DICOM files built here, so these run everywhere: the pixels each transfer syntax and pixel module gives, exactly.</summary>
public sealed class DicomCodecTests
{
    // Stored -436 with slope 2 and intercept 1000 is 128: signed values read as unsigned would all come out white.
    private static readonly int[] Stored = [-500, -373, -436, -10, -600, -499, -498, -400, -450, -300, -420, -380, -460, -470, -480, -490];

    // Slope 2, intercept 1000: modality values -200 (stored -600) to 980 (stored -10). The frame's 0.5 % and 99.9 %
    // percentiles of 16 values are its lowest and highest, so -200 → 0 and 980 → 255, linear between.
    private static readonly byte[] Expected = [.. Stored.Select(s => (byte)Math.Round(((2.0 * s) + 1000 + 200) / 1180 * 255, MidpointRounding.AwayFromZero))];

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
        Assert.Equal(0, Expected.Min());
        Assert.Equal(255, Expected.Max());
        Assert.Equal("MR", image.Metadata.Modality);
        Assert.Equal("5:P-123|4:HOSP", image.PatientKey); // length-prefixed: ("A^B", "") and ("A", "B^") differ
    }

    [Fact]
    public void Monochrome1_is_inverted()
    {
        DicomImage image = _codec.Decode(File(DicomWriter.ExplicitLittle, "MONOCHROME1"), TestContext.Current.CancellationToken);

        Assert.Equal(Expected.Select(p => (byte)(255 - p)), image.Frames.Single().Pixels.ToArray());
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

    private static byte[] File(string syntax, string photometric, (string Centre, string Width)? window = null)
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

        return writer.Text(0x0028_1052, "DS", "1000").Text(0x0028_1053, "DS", "2").Pixels16(Stored).ToArray();
    }
}

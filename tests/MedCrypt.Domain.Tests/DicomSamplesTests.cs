using System.Diagnostics;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// The real samples (../shared/datasets/dicom-samples): every file decodes or is refused with a reason, the known
/// malformed ones are refused, and one image stored in several transfer syntaxes decodes to the same pixels in each.
/// </summary>
public sealed class DicomSamplesTests(ITestOutputHelper output)
{
    private static readonly string[] Malformed = ["edge/pydicom/MR_truncated.dcm", "edge/pydicom-data/emri_small_jpeg_2k_lossless_too_short.dcm"];

    // The same pixels in other encodings (upstream READMEs); lossy ones (JPEG baseline, J2K lossy) are not in these groups.
    private static readonly string[][] SameImage =
    [
        [.. Enumerable.Range(1, 9).Select(i => $"edge/dcm_qa_ts/{i}.dcm")],
        ["edge/pydicom/MR_small.dcm", "edge/pydicom/MR_small_implicit.dcm", "edge/pydicom/MR_small_bigendian.dcm", "edge/pydicom/MR_small_expb.dcm",
         "edge/pydicom/MR_small_RLE.dcm", "edge/pydicom/MR_small_jpeg_ls_lossless.dcm", "edge/pydicom/MR_small_jp2klossless.dcm", "edge/pydicom/MR_small_padded.dcm"],
        ["edge/pydicom-data/emri_small.dcm", "edge/pydicom-data/emri_small_big_endian.dcm", "edge/pydicom-data/emri_small_RLE.dcm",
         "edge/pydicom-data/emri_small_jpeg_ls_lossless.dcm", "edge/pydicom-data/emri_small_jpeg_2k_lossless.dcm"],
        ["edge/divest/01.dcm", "edge/divest/01jl.dcm"],
    ];

    private readonly DicomCodec _codec = new(new ImageCodec(), new DicomDecompressor());

    [Fact]
    public void Every_sample_is_decoded_or_refused_with_a_reason_and_the_malformed_ones_are_refused()
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        IReadOnlyList<string> files = DicomSamples.Files();
        var refused = new List<string>();
        var watch = new Stopwatch();
        int compressed = 0;
        double compressedMs = 0;
        foreach (string path in files)
        {
            byte[] bytes = File.ReadAllBytes(path);
            long before = watch.ElapsedTicks;
            watch.Start();
            try
            {
                _codec.Decode(bytes, TestContext.Current.CancellationToken);
            }
            catch (ImageRejectedException e)
            {
                refused.Add($"{DicomSamples.Relative(path)}: {e.Message}");
            }
            finally
            {
                watch.Stop();
            }

            if (Compressed(bytes))
            {
                compressed++;
                compressedMs += (watch.ElapsedTicks - before) * 1000.0 / Stopwatch.Frequency;
            }
        }

        output.WriteLine($"{files.Count} files, {files.Count - refused.Count} decoded, {watch.Elapsed.TotalMilliseconds / files.Count:F1} ms a file " +
            $"({compressed} compressed: {compressedMs / Math.Max(1, compressed):F1} ms a file)");
        refused.ForEach(output.WriteLine);
        Assert.Equal(924, files.Count);
        Assert.Equal(Malformed.Order(StringComparer.Ordinal), refused.Select(r => r[..r.IndexOf(':', StringComparison.Ordinal)].Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    private static bool Compressed(byte[] file)
    {
        try
        {
            return DicomReader.Read(file).Syntax.Encapsulated;
        }
        catch (ImageRejectedException)
        {
            return false;
        }
    }

    [Fact]
    public void One_image_in_every_lossless_syntax_decodes_to_the_same_pixels()
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        foreach (string[] group in SameImage)
        {
            byte[] first = AllFrames(group[0]);
            Assert.True(first.Distinct().Count() > 32, $"{group[0]} decodes to a nearly flat image");
            foreach (string other in group.Skip(1))
            {
                byte[] pixels = AllFrames(other);
                Assert.True(first.AsSpan().SequenceEqual(pixels), $"{other} decodes to other pixels than {group[0]}");
            }
        }
    }

    [Fact]
    public void A_multi_frame_file_gives_every_frame_each_its_own_slice()
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        DicomImage volume = _codec.Decode(File.ReadAllBytes(Path.Combine(DicomSamples.Folder, "edge/pydicom-data/emri_small.dcm")), TestContext.Current.CancellationToken);

        Assert.Equal(volume.Metadata.Frames, volume.Frames.Count);
        Assert.True(volume.Frames.Count > 1, "emri_small is an enhanced multi-frame MR");
        Assert.Equal(volume.Frames.Count, volume.Frames.Select(f => Convert.ToHexString(f.Pixels)).Distinct().Count()); // the frames differ: not one frame repeated

        // A series with room for fewer slices refuses the file from its header, before a frame is decoded.
        ImageRejectedException full = Assert.Throws<ImageRejectedException>(() => _codec.Decode(
            File.ReadAllBytes(Path.Combine(DicomSamples.Folder, "edge/pydicom-data/emri_small.dcm")), volume.Frames.Count - 1, TestContext.Current.CancellationToken));
        Assert.True(full.TooLarge);
    }

    [Theory]
    [InlineData("series/siemens_avanto_t1ce_ax_partial/1-001.dcm", "100", "120")] // implicit VR: clips from 160 up
    [InlineData("edge/divest/01.dcm", "900", "001")] // explicit VR: everything black
    public void A_real_slice_saved_with_another_window_decodes_to_the_same_pixels(string relative, string centre, string width)
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        byte[] file = File.ReadAllBytes(Path.Combine(DicomSamples.Folder, relative));
        byte[] rewindowed = [.. file];
        OverwriteValue(rewindowed, 0x0028_1050, centre);
        OverwriteValue(rewindowed, 0x0028_1051, width);

        Assert.NotEqual(file, rewindowed);
        DicomDataset header = DicomReader.Read(rewindowed);
        Assert.Equal(centre, header.Text(0x0028_1050)); // the element the file's window is read from
        Assert.Equal(width, header.Text(0x0028_1051));
        byte[] pixels = [.. _codec.Decode(rewindowed, TestContext.Current.CancellationToken).Frames.SelectMany(f => f.Pixels.ToArray())];
        Assert.True(AllFrames(relative).AsSpan().SequenceEqual(pixels), $"{relative} decodes to other pixels under another window");
    }

    /// <summary>A top-level little-endian element's value replaced in place by one of the same length (a PACS re-saving the file with its own window).</summary>
    private static void OverwriteValue(byte[] file, uint tag, string value)
    {
        byte[] key = [(byte)(tag >> 16), (byte)(tag >> 24), (byte)tag, (byte)(tag >> 8)];
        int at = file.AsSpan(132).IndexOf(key) + 132;
        Assert.True(at >= 132, $"no ({tag >> 16:X4},{tag & 0xFFFF:X4}) in the file");
        bool explicitVr = file[at + 4] == 'D' && file[at + 5] == 'S';
        int length = explicitVr ? BitConverter.ToUInt16(file, at + 6) : BitConverter.ToInt32(file, at + 4);
        int start = at + 8; // explicit: tag, VR, 2-byte length; implicit: tag, 4-byte length
        Assert.True(value.Length <= length, $"the stored value has {length} bytes");
        System.Text.Encoding.ASCII.GetBytes(value.PadRight(length)).CopyTo(file, start);
    }

    /// <summary>Every frame's pixels one after another: a multi-frame file's encodings must agree on all of them.</summary>
    private byte[] AllFrames(string relative) =>
        [.. _codec.Decode(File.ReadAllBytes(Path.Combine(DicomSamples.Folder, relative)), TestContext.Current.CancellationToken).Frames.SelectMany(f => f.Pixels.ToArray())];
}

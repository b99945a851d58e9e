using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Filters;

namespace MedCrypt.Crypto.Tests;

public sealed class FilterTests
{
    private static readonly SecretKey AnyKey = SecretKey.Generate();

    public static TheoryData<string, int, PixelFormat, int, int> Cases()
    {
        var data = new TheoryData<string, int, PixelFormat, int, int>();
        foreach (string id in new[] { "median", "mean", "max", "min" })
        {
            foreach (int k in new[] { 3, 5, 7 })
            {
                foreach ((int w, int h) in new[] { (1, 1), (5, 3), (11, 13), (40, 9), (67, 31) })
                {
                    data.Add(id, k, PixelFormat.Gray8, w, h);
                    data.Add(id, k, PixelFormat.Rgb24, w, h);
                }
            }
        }

        return data;
    }

    /// <summary>The vector paths against a plain per-pixel definition with edges replicated.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_equals_its_textbook_definition(string id, int kernelSize, PixelFormat format, int width, int height)
    {
        ImageProtectionScheme scheme = new SchemeCatalog(new SchemeOptions { FilterKernelSize = kernelSize }).Get(id);
        PixelImage plain = TestImages.Random(width, height, format, seed: (width * 31) + height);

        PixelImage filtered = scheme.Encrypt(plain, AnyKey).Pixels;

        Assert.Equal(Reference(plain, kernelSize, id), filtered.Pixels.ToArray());
    }

    [Fact]
    public void Median_removes_salt_and_pepper_and_keeps_a_flat_image()
    {
        var image = new PixelImage(40, 40, PixelFormat.Gray8);
        image.Pixels.Fill(100);
        image.Row(10)[10] = 255;
        image.Row(20)[33] = 0;

        PixelImage filtered = new MedianFilterScheme().Encrypt(image, AnyKey).Pixels;

        Assert.All(filtered.Pixels.ToArray(), v => Assert.Equal(100, v));
    }

    [Fact]
    public void Max_and_min_spread_one_bright_pixel_over_a_k_by_k_square()
    {
        var image = new PixelImage(9, 9, PixelFormat.Gray8);
        image.Row(4)[4] = 200;

        PixelImage dilated = new MaxFilterScheme(3).Encrypt(image, AnyKey).Pixels;
        PixelImage eroded = new MinFilterScheme(3).Encrypt(image, AnyKey).Pixels;

        Assert.Equal(9, dilated.Pixels.ToArray().Count(v => v == 200));
        Assert.Equal(200, dilated.Row(3)[5]);
        Assert.All(eroded.Pixels.ToArray(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Mean_rounds_half_up()
    {
        // A 3×3 window holding one 5 and eight 0s has mean 5/9 = 0.56 → 1; with one 4, 0.44 → 0.
        var image = new PixelImage(3, 3, PixelFormat.Gray8);
        image.Row(1)[1] = 5;
        Assert.Equal(1, new MeanFilterScheme(3).Encrypt(image, AnyKey).Pixels.Row(1)[1]);
        image.Row(1)[1] = 4;
        Assert.Equal(0, new MeanFilterScheme(3).Encrypt(image, AnyKey).Pixels.Row(1)[1]);
    }

    [Fact]
    public void Block_smoothing_replaces_each_block_by_its_mean_including_partial_edge_blocks()
    {
        var image = new PixelImage(10, 9, PixelFormat.Rgb24);
        for (int y = 0; y < 9; y++)
        {
            for (int x = 0; x < 10; x++)
            {
                image.Row(y)[x * 3] = (byte)(x < 8 && y < 8 ? ((x + y) % 2 == 0 ? 10 : 20) : 90); // R: a checkerboard, then the edge
                image.Row(y)[(x * 3) + 1] = 7;
                image.Row(y)[(x * 3) + 2] = (byte)(x >= 8 ? 3 : 4);
            }
        }

        PixelImage smoothed = new BlockSmoothingScheme().Encrypt(image, AnyKey).Pixels;

        Assert.Equal(15, smoothed.Row(0)[0]);      // mean of 32 tens and 32 twenties
        Assert.Equal(7, smoothed.Row(5)[(5 * 3) + 1]);
        Assert.Equal(90, smoothed.Row(8)[0]);       // the bottom edge block is its own block
        Assert.Equal(3, smoothed.Row(2)[(9 * 3) + 2]);
        Assert.Equal(4, smoothed.Row(2)[(7 * 3) + 2]);
    }

    [Fact]
    public void Median_network_sorts_enough_to_find_the_middle_of_every_zero_one_input()
    {
        // By the 0-1 principle a comparator network selects the median of every input iff it does for all 0/1 inputs.
        (int Low, int High)[] network = MedianFilterScheme.MedianNetwork(9);
        for (int bits = 0; bits < (1 << 9); bits++)
        {
            int[] values = Enumerable.Range(0, 9).Select(i => (bits >> i) & 1).ToArray();
            int expected = values.Order().ElementAt(4);
            foreach ((int low, int high) in network)
            {
                (values[low], values[high]) = (Math.Min(values[low], values[high]), Math.Max(values[low], values[high]));
            }

            Assert.Equal(expected, values[4]);
        }
    }

    private static byte[] Reference(PixelImage image, int k, string id)
    {
        int r = k / 2, c = image.Channels;
        var output = new byte[image.ByteCount];
        var window = new List<int>();
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    window.Clear();
                    for (int dy = -r; dy <= r; dy++)
                    {
                        for (int dx = -r; dx <= r; dx++)
                        {
                            int sy = Math.Clamp(y + dy, 0, image.Height - 1), sx = Math.Clamp(x + dx, 0, image.Width - 1);
                            window.Add(image.Row(sy)[(sx * c) + ch]);
                        }
                    }

                    window.Sort();
                    output[(y * image.RowBytes) + (x * c) + ch] = (byte)(id switch
                    {
                        "median" => window[window.Count / 2],
                        "max" => window[^1],
                        "min" => window[0],
                        _ => (int)Math.Floor((window.Sum() / (double)window.Count) + 0.5),
                    });
                }
            }
        }

        return output;
    }
}

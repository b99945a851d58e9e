using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Metrics;

namespace MedCrypt.Crypto.Tests;

/// <summary>Each metric on images whose answer is known by hand.</summary>
public sealed class SecurityMetricsTests
{
    [Fact]
    public void Npcr_and_uaci_of_black_against_white_are_100_percent_and_of_equal_images_zero()
    {
        var black = new PixelImage(8, 8, PixelFormat.Gray8);
        PixelImage white = black.CreateLike();
        white.Pixels.Fill(255);

        Assert.Equal(100, SecurityMetrics.Npcr(black, white));
        Assert.Equal(100, SecurityMetrics.Uaci(black, white));
        Assert.Equal(0, SecurityMetrics.Npcr(white, white.Clone()));
        Assert.Equal(0, SecurityMetrics.Uaci(white, white.Clone()));
    }

    [Fact]
    public void Npcr_counts_differing_bytes_and_uaci_averages_their_distance()
    {
        var a = new PixelImage(2, 2, PixelFormat.Gray8, [0, 0, 0, 0]);
        var b = new PixelImage(2, 2, PixelFormat.Gray8, [0, 51, 0, 0]);

        Assert.Equal(25, SecurityMetrics.Npcr(a, b));
        Assert.Equal(5, SecurityMetrics.Uaci(a, b), 12); // 51 / 255 / 4 = 5 %
    }

    [Fact]
    public void Entropy_is_8_bits_for_every_value_once_1_bit_for_two_halves_and_0_for_flat()
    {
        var all = new PixelImage(16, 16, PixelFormat.Gray8, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        var halves = new PixelImage(4, 1, PixelFormat.Gray8, [0, 0, 255, 255]);
        var flat = new PixelImage(3, 3, PixelFormat.Gray8);

        Assert.Equal(8, SecurityMetrics.Entropy(all), 12);
        Assert.Equal(1, SecurityMetrics.Entropy(halves), 12);
        Assert.Equal(0, SecurityMetrics.Entropy(flat));
    }

    [Fact]
    public void Correlation_is_one_on_a_ramp_minus_one_on_a_checkerboard_and_nan_when_flat()
    {
        var ramp = new PixelImage(50, 4, PixelFormat.Gray8);
        var checker = new PixelImage(50, 4, PixelFormat.Gray8);
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 50; x++)
            {
                ramp.Row(y)[x] = (byte)(x * 5);
                checker.Row(y)[x] = (byte)((x + y) % 2 == 0 ? 200 : 10);
            }
        }

        Assert.Equal(1, SecurityMetrics.Correlation(ramp, AdjacentDirection.Horizontal), 12);
        Assert.Equal(-1, SecurityMetrics.Correlation(checker, AdjacentDirection.Horizontal), 12);
        Assert.Equal(-1, SecurityMetrics.Correlation(checker, AdjacentDirection.Vertical), 12);
        Assert.Equal(1, SecurityMetrics.Correlation(checker, AdjacentDirection.Diagonal), 12);
        Assert.True(double.IsNaN(SecurityMetrics.Correlation(new PixelImage(5, 5, PixelFormat.Gray8), AdjacentDirection.Vertical)));
    }

    [Fact]
    public void Pearson_is_one_for_an_affine_copy_minus_one_for_the_negative_and_nan_against_a_flat_image()
    {
        var a = new PixelImage(3, 2, PixelFormat.Gray8, [0, 10, 20, 30, 40, 250]);
        var affine = new PixelImage(3, 2, PixelFormat.Gray8, [5, 7, 9, 11, 13, 55]); // a / 5 + 5
        var negative = new PixelImage(3, 2, PixelFormat.Gray8, [255, 245, 235, 225, 215, 5]);
        var unrelated = new PixelImage(2, 2, PixelFormat.Gray8, [0, 0, 255, 255]);
        var crossed = new PixelImage(2, 2, PixelFormat.Gray8, [0, 255, 0, 255]);

        Assert.Equal(1, SecurityMetrics.Pearson(a, affine), 12);
        Assert.Equal(-1, SecurityMetrics.Pearson(a, negative), 12);
        Assert.Equal(0, SecurityMetrics.Pearson(unrelated, crossed), 12);
        Assert.True(double.IsNaN(SecurityMetrics.Pearson(a, a.CreateLike())));
        Assert.Throws<ArgumentException>(() => SecurityMetrics.Pearson(a, unrelated));
    }

    [Fact]
    public void Psnr_of_an_error_of_one_everywhere_is_48_13_db_and_of_equal_images_infinite()
    {
        var a = new PixelImage(10, 10, PixelFormat.Rgb24);
        PixelImage b = a.CreateLike();
        b.Pixels.Fill(1);

        Assert.Equal(20 * Math.Log10(255), SecurityMetrics.Psnr(a, b), 10);
        Assert.Equal(48.13, SecurityMetrics.Psnr(a, b), 2);
        Assert.Equal(double.PositiveInfinity, SecurityMetrics.Psnr(a, a.Clone()));
    }

    [Fact]
    public void Histogram_counts_all_channels_or_one()
    {
        var image = new PixelImage(2, 1, PixelFormat.Rgb24, [1, 2, 3, 1, 5, 6]);

        Assert.Equal(2, SecurityMetrics.Histogram(image)[1]);
        Assert.Equal(6, SecurityMetrics.Histogram(image).Sum());
        Assert.Equal(2, SecurityMetrics.Histogram(image, channel: 0)[1]);
        Assert.Equal(0, SecurityMetrics.Histogram(image, channel: 1)[1]);
    }

    [Fact]
    public void Report_measures_the_protected_image_against_its_original()
    {
        PixelImage plain = TestImages.HeadPhantom(64, 64);
        PixelImage inverted = plain.Clone();
        foreach (ref byte v in inverted.Pixels)
        {
            v = (byte)(255 - v);
        }

        SecurityReport report = SecurityMetrics.Measure(plain, inverted);

        Assert.Equal(SecurityMetrics.Entropy(plain), report.Entropy, 12);
        Assert.Equal(SecurityMetrics.Correlation(plain, AdjacentDirection.Vertical), report.VerticalCorrelation, 12);
        Assert.True(report.Npcr > 99);
        Assert.Equal(4096, report.Histogram.Sum());
    }
}

using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;

namespace MedCrypt.Crypto.Tests;

/// <summary>The exported affine map is what the Inference library folds into a model's first layer: it must be exact.</summary>
public sealed class BlockLinearMapTests
{
    public static TheoryData<string, PixelFormat> Schemes() => new()
    {
        { "block", PixelFormat.Gray8 },
        { "block", PixelFormat.Rgb24 },
        { "negative-positive", PixelFormat.Gray8 },
        { "negative-positive", PixelFormat.Rgb24 },
        { "color-shuffle", PixelFormat.Rgb24 },
    };

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Affine_form_applied_to_each_space_to_depth_block_equals_the_encryption(string id, PixelFormat format)
    {
        var scheme = (BlockwiseScheme)new SchemeCatalog().Get(id);
        using SecretKey key = SecretKey.Generate();
        PixelImage plain = TestImages.HeadPhantom(24, 16, format);
        PixelImage encrypted = scheme.Encrypt(plain, key).Pixels;
        BlockLinearMap map = scheme.GetBlockMap(key, plain.Channels);
        int n = map.Length;
        var weight = new float[n * n];
        var bias = new float[n];
        map.WriteAffine(weight, bias, fullScale: 255f);

        foreach ((int bx, int by) in BlockOrigins(plain, map.BlockSize))
        {
            float[] input = SpaceToDepth(plain, bx, by, map.BlockSize);
            float[] expected = SpaceToDepth(encrypted, bx, by, map.BlockSize);
            for (int j = 0; j < n; j++)
            {
                float value = bias[j];
                for (int i = 0; i < n; i++)
                {
                    value += weight[(j * n) + i] * input[i];
                }

                Assert.Equal(expected[j], value);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Inverse_undoes_the_map(string id, PixelFormat format)
    {
        var scheme = (BlockwiseScheme)new SchemeCatalog().Get(id);
        using SecretKey key = SecretKey.Generate();
        BlockLinearMap map = scheme.GetBlockMap(key, (int)format);
        BlockLinearMap inverse = map.Inverse();

        for (int j = 0; j < map.Length; j++)
        {
            int source = map.Source[j];
            Assert.Equal(j, inverse.Source[source]);
            Assert.Equal(map.IsFlipped(j), inverse.IsFlipped(source));
        }

        Assert.Equal(map.PreservesPixelPositions, id != "block");
    }

    [Fact]
    public void Block_map_moves_values_and_flips_about_half_of_them()
    {
        var scheme = new BlockScramblingScheme();
        using SecretKey key = SecretKey.Generate();
        BlockLinearMap map = scheme.GetBlockMap(key, channels: 3);

        Assert.Equal(48, map.Length);
        Assert.InRange(Enumerable.Range(0, 48).Count(map.IsFlipped), 8, 40);
        Assert.InRange(Enumerable.Range(0, 48).Count(j => map.Source[j] != j), 30, 48);
    }

    private static IEnumerable<(int, int)> BlockOrigins(PixelImage image, int m)
    {
        for (int by = 0; by < image.Height / m; by++)
        {
            for (int bx = 0; bx < image.Width / m; bx++)
            {
                yield return (bx, by);
            }
        }
    }

    /// <summary>ONNX SpaceToDepth's channel order: (dy·M + dx)·C + c.</summary>
    private static float[] SpaceToDepth(PixelImage image, int bx, int by, int m)
    {
        int c = image.Channels;
        var values = new float[m * m * c];
        for (int dy = 0; dy < m; dy++)
        {
            for (int dx = 0; dx < m; dx++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    values[(((dy * m) + dx) * c) + ch] = image.Row((by * m) + dy)[(((bx * m) + dx) * c) + ch];
                }
            }
        }

        return values;
    }
}

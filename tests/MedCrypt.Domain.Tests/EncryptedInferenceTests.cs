using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// The promise of learnable encryption, end to end through Crypto, Domain and Inference: a model given a key's
/// adaptation reads images encrypted with that key exactly as it reads the plain image (max |Δ logit| ≤ 1e-4).
/// Here on the fixture models; on the committed models once they land (issue #3).
/// </summary>
public sealed class EncryptedInferenceTests : IAsyncLifetime
{
    private Classifier _classifier = null!;

    public ValueTask InitializeAsync()
    {
        _classifier = Classifier.Load(TinyModels.Options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _classifier.DisposeAsync();

    public static TheoryData<string, PixelFormat> Cases() => new()
    {
        { "block", PixelFormat.Gray8 },
        { "block", PixelFormat.Rgb24 },
        { "negative-positive", PixelFormat.Gray8 },
        { "negative-positive", PixelFormat.Rgb24 },
        { "color-shuffle", PixelFormat.Rgb24 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Encrypted_pixels_with_the_keys_adaptation_give_the_plain_images_logits(string schemeId, PixelFormat format)
    {
        var scheme = (BlockwiseScheme)new SchemeCatalog().Get(schemeId);
        var adaptations = new BlockAdaptations(_classifier.Models);
        CancellationToken ct = TestContext.Current.CancellationToken;
        for (int seed = 0; seed < 3; seed++)
        {
            using SecretKey key = SecretKey.Generate();
            PixelImage plain = SmoothImage(format, seed);
            PixelImage encrypted = scheme.Encrypt(plain, key).Pixels;

            Diagnosis expected = await _classifier.ClassifyAsync(Input(plain), cancellationToken: ct);
            Diagnosis unadapted = await _classifier.ClassifyAsync(Input(encrypted), cancellationToken: ct);
            Diagnosis actual = await _classifier.ClassifyAsync(Input(encrypted), adaptations.For(scheme, key, plain.Channels), cancellationToken: ct);

            for (int m = 0; m < expected.Models.Count; m++)
            {
                float[] e = [.. expected.Models[m].Logits!], a = [.. actual.Models[m].Logits!], u = [.. unadapted.Models[m].Logits!];
                Assert.True(e.Zip(a).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4f, $"{schemeId} {format}: adapted logits differ");
                Assert.True(e.Zip(u).Max(p => Math.Abs(p.First - p.Second)) > 1e-3f, $"{schemeId} {format}: encryption did not change the unadapted logits");
            }
        }
    }

    [Fact]
    public void Adaptations_are_computed_once_per_key()
    {
        var scheme = new BlockScramblingScheme();
        var adaptations = new BlockAdaptations(_classifier.Models);
        using SecretKey key = SecretKey.Generate();

        Assert.Same(adaptations.For(scheme, key, 1), adaptations.For(scheme, key, 1));
        Assert.NotSame(adaptations.For(scheme, key, 1), adaptations.For(scheme, key, 3));
    }

    [Fact]
    public void A_block_size_the_models_were_not_built_for_is_refused()
    {
        using SecretKey key = SecretKey.Generate();
        var adaptations = new BlockAdaptations(_classifier.Models);
        Assert.Contains("BlockSize", Assert.Throws<InvalidOperationException>(() => adaptations.For(new BlockScramblingScheme(8), key, 1)).Message);
    }

    [Fact]
    public void A_block_size_the_models_were_not_built_for_stops_the_start_up()
    {
        var codec = new ImageCodec();
        var schemes = new SchemeCatalog(new SchemeOptions { BlockSize = 8 });
        ModelConfigurationException e = Assert.Throws<ModelConfigurationException>(
            () => LoadedModels.Around(_classifier, codec, new ScanPreparation(codec), schemes, new AnalysisOptions()));
        Assert.Contains("Crypto:Schemes:BlockSize to 4", e.Message);
        Assert.NotNull(LoadedModels.Around(_classifier, codec, new ScanPreparation(codec), new SchemeCatalog(), new AnalysisOptions()));
    }

    /// <summary>Smooth structure (a bright disc on a ramp): block scrambling turns it into high-frequency texture, which the models see differently.</summary>
    private static PixelImage SmoothImage(PixelFormat format, int seed)
    {
        var image = new PixelImage(32, 32, format);
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                bool disc = ((x - 12 - seed) * (x - 12 - seed)) + ((y - 16) * (y - 16)) < 49;
                for (int c = 0; c < image.Channels; c++)
                {
                    image.Row(y)[(x * image.Channels) + c] = (byte)(disc ? 230 - (20 * c) : (x * 4) + (y * 2) + (c * 30));
                }
            }
        }

        return image;
    }

    private static ImageInput Input(PixelImage image) => new(image.Pixels.ToArray(), image.Width, image.Height, image.Channels);
}

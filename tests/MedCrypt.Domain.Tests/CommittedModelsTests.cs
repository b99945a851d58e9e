using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// Every model committed in models/models.json: it loads, gives four probabilities that sum to one, keeps its logits
/// under the identity adaptation, and reads block-encrypted images — generated head phantoms and real slices — with
/// the key's adaptation exactly as the plain ones (max |Δ logit| ≤ 1e-4).
/// </summary>
public sealed class CommittedModelsTests : IAsyncLifetime
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string Manifest = Path.Combine(Root, "models", "models.json");
    private static readonly string Dataset = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "brain-tumor-mri"));
    private Classifier? _classifier;

    public ValueTask InitializeAsync()
    {
        // The models are committed: a missing manifest (or a graph that does not hash to it) fails here, never skips.
        _classifier = Classifier.Load(new InferenceOptions { Manifest = Manifest, Device = InferenceDevice.Cpu });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_classifier is not null)
        {
            await _classifier.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_model_gives_four_probabilities_and_keeps_its_logits_under_the_identity_adaptation()
    {
        Classifier classifier = Loaded();
        ImageInput image = Input(Phantom(classifier.InputSize, 0));
        var identity = classifier.Models.ToDictionary(m => m.Name, AdaptationParameters.Identity);
        CancellationToken ct = TestContext.Current.CancellationToken;

        Diagnosis plain = await classifier.ClassifyAsync(image, cancellationToken: ct);
        Diagnosis adapted = await classifier.ClassifyAsync(image, identity, cancellationToken: ct);

        for (int m = 0; m < plain.Models.Count; m++)
        {
            Assert.Equal(4, plain.Models[m].Probabilities.Count);
            Assert.Equal(1.0, plain.Models[m].Probabilities.Values.Sum(), 5);
            Assert.True(MaxDifference(plain.Models[m].Logits!, adapted.Models[m].Logits!) <= 1e-5f);
        }
    }

    [Theory]
    [InlineData("pixel-shuffle")]
    [InlineData("block")]
    public async Task Encrypted_phantoms_give_the_plain_logits(string schemeId)
    {
        Classifier classifier = Loaded();
        for (int seed = 0; seed < 3; seed++)
        {
            await AssertEncryptedEqualsPlain(classifier, Phantom(classifier.InputSize, seed), schemeId);
        }
    }

    [Theory]
    [InlineData("pixel-shuffle")]
    [InlineData("block")]
    public async Task Encrypted_real_slices_give_the_plain_logits(string schemeId)
    {
        Classifier classifier = Loaded();
        Assert.SkipUnless(Directory.Exists(Dataset), $"The dataset is not at {Dataset}.");
        var codec = new ImageCodec();
        var preparation = new ScanPreparation(codec);
        foreach (string label in new[] { "glioma", "meningioma", "notumor", "pituitary" })
        {
            string file = Directory.GetFiles(Path.Combine(Dataset, label)).Order(StringComparer.Ordinal).First();
            await AssertEncryptedEqualsPlain(classifier, preparation.Prepare(codec.Decode(File.ReadAllBytes(file), PixelFormat.Gray8), classifier.InputSize), schemeId);
        }
    }

    private static async Task AssertEncryptedEqualsPlain(Classifier classifier, PixelImage plain, string schemeId)
    {
        ImageProtectionScheme scheme = new SchemeCatalog().Get(schemeId);
        using SecretKey key = SecretKey.Generate();
        ProtectedImage encrypted = scheme.Encrypt(plain, key);
        Assert.NotEqual(plain.Pixels.ToArray(), encrypted.Pixels.Pixels.ToArray());
        ModelInput input = new SchemeReader(new BlockAdaptations(classifier.Models)).Read(scheme, encrypted, key, allowDecrypt: false);
        Assert.False(input.Decrypted);
        CancellationToken ct = TestContext.Current.CancellationToken;

        Diagnosis expected = await classifier.ClassifyAsync(Input(plain), cancellationToken: ct);
        Diagnosis actual = await classifier.ClassifyAsync(input.Image, input.Adaptations, cancellationToken: ct);

        for (int m = 0; m < expected.Models.Count; m++)
        {
            float difference = MaxDifference(expected.Models[m].Logits!, actual.Models[m].Logits!);
            Assert.True(difference <= 1e-4f, $"{expected.Models[m].Model}: max |Δ logit| = {difference}");
        }
    }

    private Classifier Loaded() => _classifier ?? throw new InvalidOperationException($"The committed models ({Manifest}) were not loaded.");

    private static float MaxDifference(IReadOnlyList<float> a, IReadOnlyList<float> b) => a.Zip(b).Max(p => Math.Abs(p.First - p.Second));

    /// <summary>A head-like ellipse with a bright lesion, on black: what a prepared slice looks like.</summary>
    private static PixelImage Phantom(int size, int seed)
    {
        var image = new PixelImage(size, size, PixelFormat.Gray8);
        var random = new Random(seed);
        double cx = size * (0.45 + (0.1 * random.NextDouble())), cy = size * 0.5;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double u = (x - cx) / (size * 0.4), v = (y - cy) / (size * 0.46);
                double lesion = Math.Pow((x - cx - (size * 0.12)) / (size * 0.08), 2) + Math.Pow((y - cy) / (size * 0.08), 2);
                byte value = (u * u) + (v * v) > 1 ? (byte)0 : (byte)(lesion < 1 ? 220 : 70 + random.Next(40));
                image.Row(y)[x] = value;
            }
        }

        return image;
    }

    private static ImageInput Input(PixelImage image) => new(image.Pixels.ToArray(), image.Width, image.Height, image.Channels);

}

using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using MedCrypt.Testing;

namespace MedCrypt.Inference.Tests;

public sealed class ClassifierTests : IAsyncLifetime
{
    private Classifier _classifier = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _classifier = Classifier.Load(TinyModels.Options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _classifier.DisposeAsync();

    [Fact]
    public async Task Every_model_gives_four_probabilities_that_sum_to_one_and_the_ensemble_is_their_mean()
    {
        Diagnosis diagnosis = await _classifier.ClassifyAsync(TinyModels.Image(1), cancellationToken: Ct);

        Assert.Equal(["tiny-a", "tiny-b"], diagnosis.Models.Select(m => m.Model));
        foreach (ModelPrediction p in diagnosis.Models)
        {
            Assert.Equal(4, p.Probabilities.Count);
            Assert.Equal(1.0, p.Probabilities.Values.Sum(), 6);
            Assert.Equal(1 - p.Probabilities["notumor"], p.TumorProbability, 9);
            Assert.Equal(p.Probabilities.Where(kv => (kv.Key != "notumor") == p.Tumor).MaxBy(kv => kv.Value).Key, p.Label);
            Assert.Equal("cpu", p.Device);
        }

        Assert.Equal(diagnosis.Models.Average(m => m.Probabilities["glioma"]), diagnosis.Ensemble.Probabilities["glioma"], 9);
        Assert.Equal("ensemble", diagnosis.Ensemble.Model);
        Assert.NotEqual(diagnosis.Models[0].Probabilities["glioma"], diagnosis.Models[1].Probabilities["glioma"]);
    }

    [Fact]
    public async Task A_scrambled_image_with_its_permutation_gives_the_plain_logits_and_a_wrong_one_does_not()
    {
        ImageInput plain = TinyModels.Image(3);
        int n = plain.Pixels.Length;
        var random = new Random(5);
        int[] source = [.. Enumerable.Range(0, n).OrderBy(_ => random.Next())];
        byte[] mask = [.. Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? (byte)0 : (byte)0xFF)];
        // protected[source[j]] = plain[j] ^ mask[j], so that plain[j] = protected[source[j]] ^ mask[j].
        byte[] scrambled = new byte[n];
        ReadOnlySpan<byte> values = plain.Pixels.Span;
        for (int j = 0; j < n; j++)
        {
            scrambled[source[j]] = (byte)(values[j] ^ mask[j]);
        }

        ImageInput protectedInput = plain with { Pixels = scrambled, Unscramble = new InputPermutation(source, mask) };
        Diagnosis expected = await _classifier.ClassifyAsync(plain, cancellationToken: Ct);
        Diagnosis actual = await _classifier.ClassifyAsync(protectedInput, cancellationToken: Ct);
        OcclusionMap expectedMap = await _classifier.ExplainAsync(plain, "tiny-a", cancellationToken: Ct);
        OcclusionMap actualMap = await _classifier.ExplainAsync(protectedInput, "tiny-a", cancellationToken: Ct);
        Diagnosis unread = await _classifier.ClassifyAsync(plain with { Pixels = scrambled }, cancellationToken: Ct);

        for (int m = 0; m < expected.Models.Count; m++)
        {
            Assert.Equal(expected.Models[m].Logits, actual.Models[m].Logits); // bit for bit: the model sees the same tensor
        }

        Assert.Equal(expectedMap.Values, actualMap.Values);
        Assert.NotEqual(expected.Models[0].Logits, unread.Models[0].Logits);
    }

    [Fact]
    public async Task A_permutation_that_is_not_one_or_does_not_fit_the_image_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new InputPermutation([0, 0, 1], new byte[3]));
        Assert.Throws<ArgumentException>(() => new InputPermutation([0, 1, 3], new byte[3]));
        Assert.Throws<ArgumentException>(() => new InputPermutation([0, 1, 2], new byte[2]));
        ImageInput image = TinyModels.Image(1) with { Unscramble = new InputPermutation([0, 1, 2], new byte[3]) };
        await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ClassifyAsync(image, cancellationToken: Ct));
    }

    [Fact]
    public async Task Identity_adaptation_leaves_the_output_unchanged_and_another_changes_it()
    {
        ImageInput image = TinyModels.Image(2, channels: 3);
        var identity = _classifier.Models.ToDictionary(m => m.Name, AdaptationParameters.Identity);
        var reversed = _classifier.Models.ToDictionary(m => m.Name, m => Reversal(m));

        Diagnosis plain = await _classifier.ClassifyAsync(image, cancellationToken: Ct);
        Diagnosis adapted = await _classifier.ClassifyAsync(image, identity, cancellationToken: Ct);
        Diagnosis changed = await _classifier.ClassifyAsync(image, reversed, cancellationToken: Ct);

        for (int i = 0; i < plain.Models.Count; i++)
        {
            foreach (string c in plain.Models[i].Probabilities.Keys)
            {
                Assert.Equal(plain.Models[i].Probabilities[c], adapted.Models[i].Probabilities[c], 6);
            }
        }

        Assert.NotEqual(plain.Models[0].Probabilities["glioma"], changed.Models[0].Probabilities["glioma"], 6);
    }

    [Fact]
    public async Task Gray_is_read_as_three_equal_channels()
    {
        ImageInput gray = TinyModels.Image(3);
        byte[] rgb = [.. gray.Pixels.ToArray().SelectMany(v => new[] { v, v, v })];

        Diagnosis fromGray = await _classifier.ClassifyAsync(gray, cancellationToken: Ct);
        Diagnosis fromRgb = await _classifier.ClassifyAsync(new ImageInput(rgb, 32, 32, 3), cancellationToken: Ct);

        Assert.Equal(fromGray.Ensemble.Probabilities["pituitary"], fromRgb.Ensemble.Probabilities["pituitary"], 9);
    }

    [Fact]
    public async Task Concurrent_calls_are_batched_and_give_the_same_answers_as_single_calls()
    {
        ImageInput[] images = [.. Enumerable.Range(10, 24).Select(seed => TinyModels.Image(seed))];
        var single = new List<Diagnosis>();
        foreach (ImageInput image in images)
        {
            single.Add(await _classifier.ClassifyAsync(image, cancellationToken: Ct));
        }

        Diagnosis[] together = await Task.WhenAll(images.Select(image => _classifier.ClassifyAsync(image, cancellationToken: Ct)));

        for (int i = 0; i < images.Length; i++)
        {
            Assert.Equal(single[i].Ensemble.Probabilities["meningioma"], together[i].Ensemble.Probabilities["meningioma"], 5);
        }
    }

    [Theory]
    [InlineData(31, 32, 1, 32 * 31, "32 × 32")]
    [InlineData(32, 32, 2, 32 * 32 * 2, "channels")]
    [InlineData(32, 32, 3, 100, "buffer")]
    public async Task Wrong_images_are_refused_with_a_clear_message(int width, int height, int channels, int bytes, string expected)
    {
        var image = new ImageInput(new byte[bytes], width, height, channels);
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ClassifyAsync(image, cancellationToken: Ct));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public async Task Unknown_models_are_refused() =>
        Assert.Contains("Known models", (await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ClassifyAsync(TinyModels.Image(4), models: ["resnet"], cancellationToken: Ct))).Message);

    /// <summary>Reverses the order of the values inside each block: a valid, non-identity map.</summary>
    private static AdaptationParameters Reversal(ModelDescriptor model)
    {
        int n = model.AdaptationLength;
        var weight = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            weight[(i * n) + (n - 1 - i)] = 1;
        }

        return AdaptationParameters.FromPixelMap(weight, new float[n], 3, model);
    }
}

using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Inference.Tests;

public sealed class OcclusionMapTests : IAsyncLifetime
{
    private Classifier _classifier = null!;

    public ValueTask InitializeAsync()
    {
        _classifier = Classifier.Load(TinyModels.Options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _classifier.DisposeAsync();

    [Fact]
    public async Task Map_covers_the_image_is_normalised_and_starts_from_the_models_own_probability()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        ImageInput image = TinyModels.Image(7);

        OcclusionMap map = await _classifier.ExplainAsync(image, "tiny-a", patch: 8, stride: 4, cancellationToken: ct);
        Diagnosis diagnosis = await _classifier.ClassifyAsync(image, models: ["tiny-a"], cancellationToken: ct);

        Assert.Equal(32 * 32, map.Values.Length);
        Assert.All(map.Values, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(diagnosis.Models[0].TumorProbability, map.TumorProbability, 5);
        Assert.True(map.Values.Max() is 0f or 1f, "the largest fall is scaled to 1");
        Assert.Equal(map.Values, (await _classifier.ExplainAsync(image, "tiny-a", patch: 8, stride: 4, cancellationToken: ct)).Values);
    }

    [Fact]
    public async Task Bad_patches_and_unknown_models_are_refused()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ExplainAsync(TinyModels.Image(1), "tiny-a", patch: 64, cancellationToken: ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ExplainAsync(TinyModels.Image(1), "tiny-a", stride: 0, cancellationToken: ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _classifier.ExplainAsync(TinyModels.Image(1), "densenet", cancellationToken: ct));
    }
}

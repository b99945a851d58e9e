using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

public sealed class StudyAnalyserTests : IAsyncLifetime
{
    private readonly ImageCodec _codec = new();
    private readonly MasterKey _master = new("master-test", SecretKey.Generate());
    private const string KeyId = "pixel-shuffle-test";
    private readonly SecretKey _schemeKey = SecretKey.Generate();
    private Classifier _classifier = null!;

    public ValueTask InitializeAsync()
    {
        _classifier = Classifier.Load(TinyModels.Options);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _classifier.DisposeAsync();

    [Theory]
    [InlineData("pixel-shuffle", false)]
    [InlineData("block", false)]
    [InlineData("negative-positive", false)]
    [InlineData("color-shuffle", false)]
    [InlineData("median", false)]
    [InlineData("logistic-sine", true)]
    public async Task An_upload_is_sealed_protected_and_classified(string schemeId, bool decryptedForInference)
    {
        var studyId = Guid.NewGuid();
        byte[] upload = Slice(90, 70);

        StudyAnalysis analysis = await Analyser().AnalyseAsync(studyId, upload, schemeId, _schemeKey, KeyId, _master, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(schemeId, analysis.SchemeId);
        Assert.Equal(decryptedForInference, analysis.DecryptedForInference);
        Assert.Equal((90, 70), (analysis.OriginalWidth, analysis.OriginalHeight));
        Assert.Equal(_classifier.InputSize, analysis.ProtectedPixels.Width);
        Assert.Equal(["tiny-a", "tiny-b"], analysis.Diagnosis.Models.Select(m => m.Model));
        // The original opens only for this study, and is the uploaded pixels.
        byte[] original = EnvelopeCipher.Open(analysis.SealedOriginal, StudyAnalyser.OriginalContext(studyId), _master);
        Assert.Equal(_codec.Decode(upload, PixelFormat.Gray8).Pixels.ToArray(), _codec.Decode(original, PixelFormat.Gray8).Pixels.ToArray());
        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(analysis.SealedOriginal, StudyAnalyser.OriginalContext(Guid.NewGuid()), _master));
        // The protected image is sealed too, bound to the study, the scheme and its nonce: a changed nonce does not open.
        byte[] protectedPng = EnvelopeCipher.Open(analysis.SealedProtected, StudyAnalyser.ProtectedContext(studyId, schemeId, KeyId, analysis.ProtectedNonce), _master);
        Assert.Equal(analysis.ProtectedPixels.Pixels.ToArray(), _codec.Decode(protectedPng, analysis.ProtectedPixels.Format).Pixels.ToArray());
        byte[] otherNonce = [.. analysis.ProtectedNonce, 1];
        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(analysis.SealedProtected, StudyAnalyser.ProtectedContext(studyId, schemeId, KeyId, otherNonce), _master));
    }

    [Fact]
    public async Task A_block_encrypted_study_is_read_as_the_plain_slice()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        byte[] upload = Slice(64, 64);
        var preparation = new ScanPreparation(_codec);
        PixelImage prepared = preparation.Prepare(_codec.Decode(upload, PixelFormat.Gray8), _classifier.InputSize);

        StudyAnalysis analysis = await Analyser().AnalyseAsync(Guid.NewGuid(), upload, "block", _schemeKey, KeyId, _master, cancellationToken: ct);
        Diagnosis plain = await _classifier.ClassifyAsync(new ImageInput(prepared.Pixels.ToArray(), prepared.Width, prepared.Height, 1), cancellationToken: ct);

        for (int m = 0; m < plain.Models.Count; m++)
        {
            Assert.True(plain.Models[m].Logits!.Zip(analysis.Diagnosis.Models[m].Logits!).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4f);
        }
    }

    [Fact]
    public async Task Decrypting_for_inference_can_be_forbidden()
    {
        StudyAnalyser analyser = Analyser(new AnalysisOptions { AllowDecryptForInference = false });
        CancellationToken ct = TestContext.Current.CancellationToken;

        InferenceNotPermittedException e = await Assert.ThrowsAsync<InferenceNotPermittedException>(
            () => analyser.AnalyseAsync(Guid.NewGuid(), Slice(64, 64), "logistic-sine", _schemeKey, KeyId, _master, cancellationToken: ct));
        Assert.Contains("pixel-shuffle", e.Message); // the advice names the encryption the models read
        Assert.False((await analyser.AnalyseAsync(Guid.NewGuid(), Slice(64, 64), "pixel-shuffle", _schemeKey, KeyId, _master, cancellationToken: ct)).DecryptedForInference);
        Assert.False((await analyser.AnalyseAsync(Guid.NewGuid(), Slice(64, 64), "block", _schemeKey, KeyId, _master, cancellationToken: ct)).DecryptedForInference);
    }

    [Fact]
    public async Task Bad_uploads_and_unknown_schemes_are_refused_before_anything_is_produced()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await Assert.ThrowsAsync<ImageRejectedException>(() => Analyser().AnalyseAsync(Guid.NewGuid(), "<svg/>"u8.ToArray(), "block", _schemeKey, KeyId, _master, cancellationToken: ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Analyser().AnalyseAsync(Guid.NewGuid(), Slice(64, 64), "rot13", _schemeKey, KeyId, _master, cancellationToken: ct));
    }

    private StudyAnalyser Analyser(AnalysisOptions? options = null) => new(
        _codec, new ScanPreparation(_codec), new SchemeCatalog(), _classifier, new SchemeReader(new BlockAdaptations(_classifier.Models)), options ?? new AnalysisOptions());

    /// <summary>A PNG of a head-like ellipse, as an upload.</summary>
    private byte[] Slice(int width, int height)
    {
        var image = new PixelImage(width, height, PixelFormat.Gray8);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = (x - (width / 2.0)) / (width * 0.4), v = (y - (height / 2.0)) / (height * 0.45);
                image.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 60 + ((x * 3) + (y * 5)) % 120 : 0);
            }
        }

        return _codec.EncodePng(image);
    }
}

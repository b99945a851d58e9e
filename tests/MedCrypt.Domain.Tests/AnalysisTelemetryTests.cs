using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Imaging;
using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// An analysis's metrics and trace, read with a MeterListener and an ActivityListener on a telemetry instance of the
/// test's own: one count and one duration per analysis, one measurement and one child activity per stage, and the
/// outcome of a rejected upload.
/// </summary>
public sealed class AnalysisTelemetryTests : IAsyncLifetime
{
    private static readonly string[] Stages = ["decode", "prepare", "protect", "seal", "infer"];
    private readonly ImageCodec _codec = new();
    private readonly MasterKey _master = new("master-test", SecretKey.Generate());
    private readonly SecretKey _schemeKey = SecretKey.Generate();
    private readonly AnalysisTelemetry _telemetry = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly MeterListener _meters = new();
    private ActivityListener _traces = null!;
    private Classifier _classifier = null!;

    public ValueTask InitializeAsync()
    {
        _classifier = Classifier.Load(TinyModels.Options);
        _meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == _telemetry.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, Tags(tags))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, Tags(tags))));
        _meters.Start();
        _traces = new ActivityListener
        {
            ShouldListenTo = source => source == _telemetry.ActivitySource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_traces);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _traces.Dispose();
        _meters.Dispose();
        _telemetry.Dispose();
        await _classifier.DisposeAsync();
    }

    [Fact]
    public async Task An_analysis_is_counted_timed_and_traced_stage_by_stage()
    {
        await Analyser().AnalyseAsync(Guid.NewGuid(), Scan(), "block", _schemeKey, "block-test", _master, cancellationToken: TestContext.Current.CancellationToken);

        var analyses = _measurements.Where(m => m.Instrument == "medcrypt.analyses").ToList();
        Assert.Equal(1, Assert.Single(analyses).Value);
        Assert.Equal(("block", "succeeded"), (analyses[0].Tags["scheme"], analyses[0].Tags["outcome"]));
        Assert.True(Assert.Single(_measurements, m => m.Instrument == "medcrypt.analysis.duration").Value > 0);
        var stages = _measurements.Where(m => m.Instrument == "medcrypt.analysis.stage.duration").ToList();
        Assert.Equal(Stages, stages.Select(s => s.Tags["stage"])); // each once, in order
        Assert.All(stages, s => Assert.Equal(("block", "succeeded"), (s.Tags["scheme"], s.Tags["outcome"])));
        Assert.All(stages, s => Assert.True(s.Value > 0));
        // No tag names a study, a file or a key.
        Assert.All(_measurements.SelectMany(m => m.Tags.Keys), k => Assert.Contains(k, new[] { "scheme", "outcome", "stage" }));

        Activity analysis = Assert.Single(_activities, a => a.OperationName == "medcrypt.analysis");
        Activity[] children = [.. _activities.Where(a => a.OperationName != "medcrypt.analysis")];
        Assert.Equal(Stages.Select(s => $"medcrypt.analysis.{s}"), children.Select(c => c.OperationName));
        Assert.All(children, c => Assert.Equal(analysis.SpanId, c.ParentSpanId));
        Assert.All(_activities, a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
        Assert.Equal("block", analysis.GetTagItem("medcrypt.scheme"));
    }

    [Fact]
    public async Task A_rejected_upload_ends_at_decode_and_is_counted_as_rejected()
    {
        await Assert.ThrowsAsync<ImageRejectedException>(() =>
            Analyser().AnalyseAsync(Guid.NewGuid(), "<svg/>"u8.ToArray(), "block", _schemeKey, "block-test", _master, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("rejected", Assert.Single(_measurements, m => m.Instrument == "medcrypt.analyses").Tags["outcome"]);
        var stage = Assert.Single(_measurements, m => m.Instrument == "medcrypt.analysis.stage.duration");
        Assert.Equal(("decode", "rejected"), (stage.Tags["stage"], stage.Tags["outcome"]));
        Assert.All(_activities, a => Assert.Equal(ActivityStatusCode.Error, a.Status));
        Assert.Equal(2, _activities.Count);
    }

    [Fact]
    public async Task A_picture_that_is_not_a_brain_slice_is_counted_as_rejected_not_failed()
    {
        var flat = new PixelImage(64, 64, PixelFormat.Gray8);
        flat.Pixels.Fill(128);
        await Assert.ThrowsAsync<NotABrainSliceException>(() =>
            Analyser().AnalyseAsync(Guid.NewGuid(), _codec.EncodePng(flat), "block", _schemeKey, "block-test", _master, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("rejected", Assert.Single(_measurements, m => m.Instrument == "medcrypt.analyses").Tags["outcome"]);
    }

    private StudyAnalyser Analyser() => new(
        _codec, new ScanPreparation(_codec), new SchemeCatalog(), _classifier, new SchemeReader(new BlockAdaptations(_classifier.Models)), new AnalysisOptions(), _telemetry);

    private static Dictionary<string, string?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, string?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            result[tag.Key] = tag.Value?.ToString();
        }

        return result;
    }

    private byte[] Scan()
    {
        var image = new PixelImage(64, 64, PixelFormat.Gray8);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                double u = (x - 32) / 26.0, v = (y - 32) / 28.0;
                image.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 60 + ((x * 3) + (y * 5)) % 120 : 0);
            }
        }

        return _codec.EncodePng(image);
    }
}

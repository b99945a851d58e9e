using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MedCrypt.Inference.Classification;
using MedCrypt.Testing;

namespace MedCrypt.Inference.Tests;

/// <summary>
/// The inference metrics, read with a MeterListener on a telemetry instance of the test's own (so other tests'
/// classifications do not count): the batch sizes the micro-batcher actually formed, its queue, per-model latency.
/// </summary>
public sealed class InferenceTelemetryTests
{
    [Fact]
    public async Task The_micro_batcher_reports_the_batches_it_formed_its_queue_and_each_models_latency()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var telemetry = new InferenceTelemetry();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string Model, string? Device)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == telemetry.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "model")!, Tag(tags, "device"))));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "model")!, Tag(tags, "device"))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "model")!, Tag(tags, "device"))));
        listener.Start();

        // A long window and a cap of 4: 10 concurrent images per model make batches of at most 4 that add up to 10.
        await using (Classifier classifier = Classifier.Load(TinyModels.Options with { MaxBatchSize = 4, BatchWindow = TimeSpan.FromMilliseconds(500) }, telemetry))
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(seed => classifier.ClassifyAsync(TinyModels.Image(seed), cancellationToken: ct)));
        }

        foreach (string model in new[] { "tiny-a", "tiny-b" })
        {
            double[] batches = [.. measurements.Where(m => m.Instrument == "medcrypt.inference.batch.size" && m.Model == model).Select(m => m.Value)];
            Assert.Equal(10, batches.Sum());
            Assert.All(batches, b => Assert.InRange(b, 1, 4));
            Assert.True(batches.Length >= 3, $"{model}: {string.Join(", ", batches)}"); // 10 images in batches of at most 4
            Assert.Contains(batches, b => b > 1); // batching happened (the window is half a second)
            Assert.Equal(batches.Length, measurements.Count(m => m.Instrument == "medcrypt.inference.batch.duration" && m.Model == model));

            // The queue: up by one for each request, down by one for each taken into a batch, so back to 0 with a peak above 1.
            double[] queue = [.. measurements.Where(m => m.Instrument == "medcrypt.inference.queue.length" && m.Model == model).Select(m => m.Value)];
            Assert.Equal(10, queue.Count(v => v == 1));
            Assert.Equal(10, queue.Count(v => v == -1));
            double length = 0, peak = 0;
            foreach (double change in queue)
            {
                length += change;
                peak = Math.Max(peak, length);
            }

            Assert.Equal(0, length);
            Assert.True(peak > 1, $"{model}: peak queue {peak}");

            (string, double, string Model, string? Device)[] latencies = [.. measurements.Where(m => m.Instrument == "medcrypt.inference.duration" && m.Model == model)];
            Assert.Equal(10, latencies.Length);
            Assert.All(latencies, l => Assert.Equal("cpu", l.Device));
            Assert.All(latencies, l => Assert.True(l.Item2 > 0));
        }

        Assert.DoesNotContain(measurements, m => m.Model == "ensemble"); // the ensemble is no model run
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

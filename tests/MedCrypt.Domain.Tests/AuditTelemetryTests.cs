using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MedCrypt.Domain.Auditing;

namespace MedCrypt.Domain.Tests;

/// <summary>The audit log's metrics, read with a MeterListener on a telemetry instance of the test's own.</summary>
public sealed class AuditTelemetryTests
{
    [Fact]
    public async Task Appends_are_counted_by_outcome_with_retries_after_a_taken_sequence_and_failures()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var telemetry = new AuditTelemetry();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == telemetry.Meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, tags.Length > 0 ? $"{tags[0].Key}={tags[0].Value}" : null)));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, tags.Length > 0 ? $"{tags[0].Key}={tags[0].Value}" : null)));
        listener.Start();
        var store = new MemoryStore();
        var log = new AuditLog(store, TimeProvider.System, telemetry);

        await log.RecordAsync("staff@medcrypt.local", "study.upload", "scan.png", AuditOutcome.Succeeded, cancellationToken: ct);
        await log.RecordAsync("auditor@medcrypt.local", "study.upload", "scan.png", AuditOutcome.Denied, cancellationToken: ct);
        int calls = 0;
        await log.RecordAsync("staff@medcrypt.local", "study.analysed", "study/1", AuditOutcome.Succeeded, "", async (entry, token) =>
        {
            if (++calls == 1)
            {
                throw new AuditSequenceTakenException(entry.Sequence, new InvalidOperationException("taken"));
            }

            await store.AppendAsync(entry, token);
        }, ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            log.RecordAsync("staff@medcrypt.local", "study.analysed", "study/2", AuditOutcome.Succeeded, "", (_, _) => throw new InvalidOperationException("database away"), ct));

        Assert.Equal(["outcome=succeeded", "outcome=denied", "outcome=succeeded"], measurements.Where(m => m.Instrument == "medcrypt.audit.appends").Select(m => m.Tag));
        Assert.Equal(1, measurements.Where(m => m.Instrument == "medcrypt.audit.append.retries").Sum(m => m.Value));
        Assert.Equal(1, measurements.Where(m => m.Instrument == "medcrypt.audit.append.failures").Sum(m => m.Value));
        Assert.Equal(["result=appended", "result=appended", "result=appended", "result=failed"], measurements.Where(m => m.Instrument == "medcrypt.audit.append.duration").Select(m => m.Tag));
        Assert.Equal(3, store.Entries.Count);
        // No measurement carries the actor or the subject.
        Assert.DoesNotContain(measurements, m => m.Tag is { } t && (t.Contains('@', StringComparison.Ordinal) || t.Contains("study/", StringComparison.Ordinal)));
    }

    private sealed class MemoryStore : IAuditStore
    {
        public List<AuditEvent> Entries { get; } = [];

        public Task<AuditEvent?> LastAsync(CancellationToken cancellationToken) => Task.FromResult(Entries.LastOrDefault());

        public Task AppendAsync(AuditEvent entry, CancellationToken cancellationToken)
        {
            Entries.Add(entry);
            return Task.CompletedTask;
        }

        public Task<AuditEvent?> AtAsync(long sequence, CancellationToken cancellationToken) => Task.FromResult(Entries.FirstOrDefault(e => e.Sequence == sequence));

        public async IAsyncEnumerable<AuditEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (AuditEvent entry in Entries)
            {
                yield return entry;
            }

            await Task.CompletedTask;
        }
    }
}

using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Inference.Sessions;

/// <summary>
/// Gathers concurrent requests for one model into batches — up to a size, or for a few milliseconds after the
/// first, whichever comes first — and runs each batch once. Requests with different adaptations (keys) cannot
/// share a run, so a batch is split by adaptation instance.
/// </summary>
internal sealed class MicroBatcher : IAsyncDisposable
{
    private readonly ModelSession _session;
    private readonly int _maxBatch;
    private readonly TimeSpan _window;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _worker;
    private readonly InferenceTelemetry _telemetry;
    private readonly KeyValuePair<string, object?> _modelTag;

    public MicroBatcher(ModelSession session, int maxBatch, TimeSpan window, InferenceTelemetry? telemetry = null)
    {
        _session = session;
        _telemetry = telemetry ?? InferenceTelemetry.Shared;
        _modelTag = new("model", session.Descriptor.Name);
        _maxBatch = Math.Max(1, maxBatch);
        _window = window;
        _worker = Task.Run(ProcessAsync);
    }

    /// <summary>The model's logits for one image, and how long the call took (queueing included).</summary>
    public Task<(float[] Logits, TimeSpan Latency)> RunAsync(ImageInput image, AdaptationParameters? adaptation, CancellationToken cancellationToken)
    {
        var request = new Request(image, adaptation, Stopwatch.GetTimestamp(), cancellationToken);
        if (!_requests.Writer.TryWrite(request))
        {
            throw new ObjectDisposedException(nameof(MicroBatcher));
        }

        _telemetry.QueueLength.Add(1, _modelTag);

        return request.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
    }

    private async Task ProcessAsync()
    {
        var batch = new List<Request>(_maxBatch);
        while (await _requests.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            if (!_requests.Reader.TryRead(out Request? first))
            {
                continue;
            }

            batch.Add(first);
            _telemetry.QueueLength.Add(-1, _modelTag);
            using (var windowEnds = new CancellationTokenSource(_window))
            {
                while (batch.Count < _maxBatch)
                {
                    if (_requests.Reader.TryRead(out Request? next))
                    {
                        batch.Add(next);
                        _telemetry.QueueLength.Add(-1, _modelTag);
                        continue;
                    }

                    try
                    {
                        if (!await _requests.Reader.WaitToReadAsync(windowEnds.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            foreach (IGrouping<AdaptationParameters?, Request> group in batch.GroupBy(r => r.Adaptation))
            {
                Execute([.. group]);
            }
        }
    }

    private void Execute(Request[] group)
    {
        Request[] live = [.. group.Where(r => !r.Cancellation.IsCancellationRequested)];
        foreach (Request cancelled in group.Except(live))
        {
            cancelled.Completion.TrySetCanceled(cancelled.Cancellation);
        }

        if (live.Length == 0)
        {
            return;
        }

        long started = Stopwatch.GetTimestamp();
        int size = _session.Descriptor.Size;
        int perImage = 3 * size * size;
        float[] packed = ArrayPool<float>.Shared.Rent(perImage * live.Length);
        try
        {
            for (int i = 0; i < live.Length; i++)
            {
                _session.Packer.Pack(live[i].Image, packed.AsSpan(i * perImage, perImage));
            }

            float[] logits = _session.Run(packed.AsMemory(0, perImage * live.Length), live.Length, live[0].Adaptation);
            int classes = logits.Length / live.Length;
            long now = Stopwatch.GetTimestamp();
            _telemetry.RecordBatch(_session.Descriptor.Name, live.Length, Stopwatch.GetElapsedTime(started, now));
            for (int i = 0; i < live.Length; i++)
            {
                live[i].Completion.TrySetResult((logits[(i * classes)..((i + 1) * classes)], Stopwatch.GetElapsedTime(live[i].Started, now)));
            }
        }
        catch (Exception e)
        {
            foreach (Request request in live)
            {
                request.Completion.TrySetException(e);
            }
        }
        finally
        {
            // The tensor is the plain slices, normalised (and invertible): it must not linger for the pool's next caller.
            packed.AsSpan(0, perImage * live.Length).Clear();
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    private sealed record Request(ImageInput Image, AdaptationParameters? Adaptation, long Started, CancellationToken Cancellation)
    {
        public TaskCompletionSource<(float[] Logits, TimeSpan Latency)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using MedCrypt.Inference.Sessions;
using MedCrypt.Testing;

// dotnet run -c Release --project tests/MedCrypt.Inference.Benchmarks -- [manifest] [threads] [seconds per measurement] [cpu|cuda|auto]
// The comparison with PyTorch runs both on the CPU; the device (default cpu) is the micro-batching part's: its targets
// presume an accelerator, where a batch costs about one call.
// Default manifest: models/training/.work/bench/models.json (python3 scripts/make_bench_models.py .work/bench 128),
// whose folder also holds each model's PyTorch weights (<name>.pt). Loopback-free, bounded: every measurement stops by itself.
string root = RepositoryRoot.Path;
if (args is ["--study-latency", string baselineManifest, ..])
{
    // dotnet run -c Release --project tests/MedCrypt.Inference.Benchmarks -- --study-latency <baseline models.json> [models.json] [threads]
    return await StudyLatency.CompareAsync(baselineManifest, args.Length > 2 ? args[2] : Path.Combine(root, "models", "models.json"),
        args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Environment.ProcessorCount);
}

string manifestPath = args.Length > 0 ? args[0] : Path.Combine(root, "models", "training", ".work", "bench", "models.json");
int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : Environment.ProcessorCount;
double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 6;
InferenceDevice device = args.Length > 3 ? Enum.Parse<InferenceDevice>(args[3], ignoreCase: true) : InferenceDevice.Cpu;
ModelManifest manifest = ModelManifest.Load(manifestPath);
Console.WriteLine($"{Environment.ProcessorCount} cores, {threads} threads for both runtimes, {seconds:F0} s per throughput measurement\n");
Console.WriteLine("| model | runtime | p50 batch 1 | p95 batch 1 | images/s batch 1 | batch 8 | batch 32 |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (ModelDescriptor model in manifest.Models)
{
    using ModelSession session = ModelSession.Open(manifest, model, useCuda: false, threads);
    var ort = MeasureOnnxRuntime(session, seconds);
    var torch = MeasurePyTorch(root, model, Path.Combine(manifest.Folder, $"{model.Name}.pt"), threads, seconds);
    Row(model.Name, "ONNX Runtime", ort);
    if (torch is { } t)
    {
        Row(model.Name, "PyTorch " + t.Version, t.Figures);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {model.Name} | **ratio ORT / PyTorch** | {t.Figures.P50 / ort.P50:F2}× faster | | {ort.Throughput[0] / t.Figures.Throughput[0]:F2}× | {ort.Throughput[1] / t.Figures.Throughput[1]:F2}× | {ort.Throughput[2] / t.Figures.Throughput[2]:F2}× |"));
    }
}

var options = new InferenceOptions { Manifest = manifestPath, Device = device, IntraOpThreads = threads };
await using Classifier unbatched = Classifier.Load(options with { MaxBatchSize = 1, BatchWindow = TimeSpan.Zero });
await using Classifier batched = Classifier.Load(options with { MaxBatchSize = 16, BatchWindow = TimeSpan.FromMilliseconds(4) });
Console.WriteLine($"\nMicro-batching on {unbatched.Device}: 16 concurrent callers through the classifier (one model), against the same callers unbatched\n");
Console.WriteLine("| model | mode | images/s | p50 latency | p95 latency | single-call latency |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (ModelDescriptor model in manifest.Models)
{
    string[] only = [model.Name];
    double single = await SingleCallLatency(unbatched, only);
    var (rate, p50, p95) = await Concurrent(unbatched, only, 16, seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {model.Name} | unbatched | {rate:F1} | {p50:F0} ms | {p95:F0} ms | {single:F0} ms |"));
    var (bRate, bP50, bP95) = await Concurrent(batched, only, 16, seconds);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {model.Name} | micro-batched (up to 16, 4 ms) | {bRate:F1} ({bRate / rate:F2}×) | {bP50:F0} ms | {bP95:F0} ms ({bP95 / single:F2}× single) | |"));
}

return 0;

static void Row(string model, string runtime, Figures f) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {model} | {runtime} | {f.P50:F1} ms | {f.P95:F1} ms | {f.Throughput[0]:F1} | {f.Throughput[1]:F1} | {f.Throughput[2]:F1} |"));

static Figures MeasureOnnxRuntime(ModelSession session, double seconds)
{
    int size = session.Descriptor.Size;
    var random = new Random(0);
    float[] Input(int batch) => [.. Enumerable.Range(0, batch * 3 * size * size).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    float[] one = Input(1);
    for (int i = 0; i < 5; i++)
    {
        session.Run(one, 1, null);
    }

    var latencies = new List<double>();
    for (int i = 0; i < 40; i++)
    {
        long start = Stopwatch.GetTimestamp();
        session.Run(one, 1, null);
        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    latencies.Sort();
    var throughput = new List<double>();
    foreach (int batch in new[] { 1, 8, 32 })
    {
        float[] x = Input(batch);
        session.Run(x, batch, null);
        int images = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds / 3)
        {
            session.Run(x, batch, null);
            images += batch;
        }

        throughput.Add(images / clock.Elapsed.TotalSeconds);
    }

    return new Figures(latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.95)], [.. throughput]);
}

static (string Version, Figures Figures)? MeasurePyTorch(string root, ModelDescriptor model, string weights, int threads, double seconds)
{
    if (!File.Exists(weights))
    {
        Console.Error.WriteLine($"No PyTorch weights at {weights}: PyTorch is not measured for {model.Name}.");
        return null;
    }

    var start = new ProcessStartInfo("/usr/bin/python3",
        ["scripts/bench_torch.py", "--model", model.Name, "--weights", weights, "--size", model.Size.ToString(CultureInfo.InvariantCulture),
         "--threads", threads.ToString(CultureInfo.InvariantCulture), "--seconds", seconds.ToString(CultureInfo.InvariantCulture)])
    {
        WorkingDirectory = Path.Combine(root, "models", "training"),
        RedirectStandardOutput = true,
    };
    start.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
    using Process python = Process.Start(start)!;
    string output = python.StandardOutput.ReadToEnd();
    python.WaitForExit();
    using JsonDocument json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
    JsonElement r = json.RootElement;
    double[] throughput = [.. new[] { "1", "8", "32" }.Select(b => r.GetProperty("throughput").GetProperty(b).GetDouble())];
    return (r.GetProperty("torch").GetString()!, new Figures(r.GetProperty("p50_ms").GetDouble(), r.GetProperty("p95_ms").GetDouble(), throughput));
}

static async Task<double> SingleCallLatency(Classifier classifier, string[] models)
{
    ImageInput image = RandomImage(classifier.InputSize, 0);
    var latencies = new List<double>();
    for (int i = 0; i < 25; i++)
    {
        long start = Stopwatch.GetTimestamp();
        await classifier.ClassifyAsync(image, models: models);
        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    latencies.Sort();
    return latencies[latencies.Count / 2];
}

static async Task<(double Rate, double P50, double P95)> Concurrent(Classifier classifier, string[] models, int callers, double seconds)
{
    var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
    {
        ImageInput image = RandomImage(classifier.InputSize, caller);
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            long start = Stopwatch.GetTimestamp();
            await classifier.ClassifyAsync(image, models: models);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    }));
    double elapsed = clock.Elapsed.TotalSeconds;
    double[] sorted = [.. latencies.Order()];
    return (sorted.Length / elapsed, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.95)]);
}

static ImageInput RandomImage(int size, int seed)
{
    var pixels = new byte[size * size];
    new Random(seed).NextBytes(pixels);
    return new ImageInput(pixels, size, size, 1);
}

internal sealed record Figures(double P50, double P95, double[] Throughput);

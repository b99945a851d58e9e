using System.Diagnostics;
using System.Globalization;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;

/// <summary>
/// A study's classification (every model the manifest lists, and the ensemble) with the shipped models against a
/// baseline manifest (the models before a change), in one run on one machine: the two alternate call by call, so a
/// busy machine slows both alike. The rest of a study's analysis (decode, gate, protection, sealing) is the same code
/// for both, so the ratio of the whole analysis is at most this one.
/// </summary>
internal static class StudyLatency
{
    public static async Task<int> CompareAsync(string baselineManifest, string currentManifest, int threads, int rounds = 60)
    {
        await using Classifier baseline = Classifier.Load(Options(baselineManifest, threads));
        await using Classifier current = Classifier.Load(Options(currentManifest, threads));
        var pixels = new byte[current.InputSize * current.InputSize];
        new Random(0).NextBytes(pixels);
        var image = new ImageInput(pixels, current.InputSize, current.InputSize, 1);
        var (before, after) = (new List<double>(rounds), new List<double>(rounds));
        for (int i = 0; i < rounds + 5; i++)
        {
            double b = await TimeAsync(baseline, image), a = await TimeAsync(current, image);
            if (i >= 5) // the first calls warm the sessions up
            {
                before.Add(b);
                after.Add(a);
            }
        }

        before.Sort();
        after.Sort();
        double p50Before = before[rounds / 2], p50After = after[rounds / 2];
        Console.WriteLine($"{Environment.ProcessorCount} cores, {threads} threads, {current.Device}, {rounds} studies each, alternating\n");
        Console.WriteLine("| models | p50 | p95 |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| baseline ({baselineManifest}) | {p50Before:F1} ms | {before[(int)(rounds * 0.95)]:F1} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| shipped ({currentManifest}) | {p50After:F1} ms | {after[(int)(rounds * 0.95)]:F1} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **ratio shipped / baseline** | **{p50After / p50Before:F2}×** | |"));
        return 0;
    }

    private static InferenceOptions Options(string manifest, int threads) =>
        new() { Manifest = manifest, Device = InferenceDevice.Cpu, IntraOpThreads = threads, MaxBatchSize = 1, BatchWindow = TimeSpan.Zero };

    private static async Task<double> TimeAsync(Classifier classifier, ImageInput image)
    {
        long start = Stopwatch.GetTimestamp();
        await classifier.ClassifyAsync(image);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

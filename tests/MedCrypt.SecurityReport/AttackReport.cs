using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MedCrypt.Attacks;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Testing;

namespace MedCrypt.SecurityReport;

/// <summary>
/// <c>attacks [dataset folder] [slices]</c>: every attack of <see cref="AttackSuite"/> against every scheme of the
/// catalog (and the ideal cipher, for the chance level) on real slices prepared as the models see them, as one
/// Markdown table: each attack's worst |r| over the slices, and a verdict against <see cref="SecrecyTarget"/>.
/// </summary>
internal static class AttackReport
{
    public static int Run(string[] args)
    {
        string dataset = args.Length > 0 ? args[0] : DatasetSlices.DefaultFolder;
        int slices = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
        if (!Directory.Exists(dataset) || slices < 2)
        {
            Console.Error.WriteLine($"No dataset at {Path.GetFullPath(dataset)} (or fewer than 2 slices asked): usage: attacks [brain-tumor-mri folder] [slices ≥ 2].");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        int perClass = (slices + DatasetSlices.Classes.Length - 1) / DatasetSlices.Classes.Length;
        string[] files = DatasetSlices.Pick(dataset, perClass);
        PixelImage[] prepared = [.. files.Select(DatasetSlices.Prepare)];
        var options = new SchemeOptions();
        var suite = new AttackSuite(options.BlockSize);
        ImageProtectionScheme[] schemes = [.. new SchemeCatalog(options).All, new IdealCipher()];

        // outcomes[scheme][slice][attack]; each slice under its own fresh key, its pair the next slice under the same key.
        var outcomes = new List<IReadOnlyList<AttackOutcome>[]>();
        foreach (ImageProtectionScheme scheme in schemes)
        {
            outcomes.Add([.. prepared.Select((slice, i) =>
            {
                using SecretKey key = SecretKey.Generate();
                return suite.Run(scheme, key, slice, prepared[(i + 1) % prepared.Length]);
            })]);
        }

        clock.Stop();
        PrintHeader(dataset, files, perClass, suite, prepared.Average(p => SecurityMetrics.Correlation(p, AdjacentDirection.Horizontal)));
        string[] names = [.. suite.Names];
        Console.WriteLine($"| scheme | kind | {string.Join(" | ", names)} | best ciphertext-only: its reconstruction's adjacent r (mean) | \\|r\\| within bound |");
        Console.WriteLine($"|---|---|{string.Concat(names.Select(_ => "---:|"))}---|---|");
        Console.WriteLine($"| *bound* | | {string.Join(" | ", outcomes[0][0].Select(o => F($"≤ {o.Bound:F3}")))} | | |");
        for (int s = 0; s < schemes.Length; s++)
        {
            Console.WriteLine(Row(schemes[s], names.Length, outcomes[s]));
        }

        Console.WriteLine();
        Console.WriteLine(F($"{prepared.Length} slices × {schemes.Length} schemes in {clock.Elapsed.TotalSeconds:F1} s (decoding and preparing the slices included)."));
        return 0;
    }

    private static string Row(ImageProtectionScheme scheme, int attacks, IReadOnlyList<AttackOutcome>[] outcomes)
    {
        AttackOutcome[] worst = [.. Enumerable.Range(0, attacks).Select(a => outcomes.Select(o => o[a]).MaxBy(o => o.AbsoluteR)!)];

        // The ciphertext-only attack with the largest worst |r|, and how picture-like its reconstructions are.
        int best = Enumerable.Range(0, attacks).Where(a => worst[a].Knowledge == AttackerKnowledge.CiphertextOnly).MaxBy(a => worst[a].AbsoluteR);
        double adjacent = outcomes.Select(o => o[best].AdjacentCorrelation).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

        AttackOutcome farthest = worst.MaxBy(o => o.AbsoluteR - o.Bound)!;
        string verdict = worst.All(o => o.RecoveredNothing)
            ? "pass"
            : F($"**fail**: {farthest.AbsoluteR:F3} > {farthest.Bound:F3} ({farthest.Attack})");
        string name = AttackSuite.InputFormat(scheme) == PixelFormat.Gray8 ? $"`{scheme.Id}`" : $"`{scheme.Id}` (the gray slice as RGB)";
        string kind = scheme is IdealCipher ? "control" : scheme.Kind.ToString().ToLowerInvariant();
        string cells = string.Join(" | ", worst.Select(o => F($"{o.AbsoluteR:F3}")));
        return F($"| {name} | {kind} | {cells} | {worst[best].Attack}: {adjacent:F3} | {verdict} |");
    }

    private static void PrintHeader(string dataset, string[] files, int perClass, AttackSuite suite, double sliceAdjacent)
    {
        Console.WriteLine($"Attacks on every protection scheme: {files.Length} real MRI slices ({perClass} per class: {string.Join(", ", DatasetSlices.Classes)}; "
            + $"every class's sorted files at an even stride) from {Path.GetFullPath(dataset)}, prepared as the models see them "
            + $"(gray, ScanPreparation to {DatasetSlices.PreparedSize}×{DatasetSlices.PreparedSize}).");
        Console.WriteLine($"Each slice under a fresh random key per scheme, a fresh random nonce per protection; the known-plaintext pair is the next slice "
            + $"under the same key; block attacks assume M = {suite.BlockSize} (the configured block size).");
        Console.WriteLine($"Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; "
            + $"{DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC.");
        Console.WriteLine("Cells: the worst |r| over the slices — Pearson correlation between the attack's reconstruction and the true prepared slice "
            + "(same image twice: between the two protected images). A scheme passes when every cell is within its bound: 0.05, or four standard "
            + "deviations of chance for a reconstruction of few independent values (4/√values: a thumbnail). Adjacent r: horizontal, at the "
            + F($"reconstruction's own resolution (a thumbnail's, not its upsampled copy's); the prepared slices' own: {sliceAdjacent:F3} (mean)."));
        Console.WriteLine();
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuInfo) ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

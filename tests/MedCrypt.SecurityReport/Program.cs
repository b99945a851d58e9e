using System.Globalization;
using System.Security.Cryptography;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Metrics;
using MedCrypt.Crypto.Schemes.Chaos;
using MedCrypt.Domain.Imaging;
using MedCrypt.SecurityReport;
using MedCrypt.Testing;
using SixLabors.ImageSharp;

// dotnet run --project tests/MedCrypt.SecurityReport -- [dataset folder] [images per class]
// Encrypts real MRI slices with logistic-sine, each under a fresh random key and nonce, and prints the metrics
// of the targets (mean, worst) as Markdown tables.
// dotnet run --project tests/MedCrypt.SecurityReport -- attacks [dataset folder] [slices]
// Runs every attack against every scheme of the catalog instead (AttackReport).
if (args.Length > 0 && args[0] == "attacks")
{
    return AttackReport.Run(args[1..]);
}

string dataset = args.Length > 0 ? args[0] : DatasetSlices.DefaultFolder;
int perClass = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25;
if (!Directory.Exists(dataset))
{
    Console.Error.WriteLine($"No dataset at {Path.GetFullPath(dataset)}: pass the brain-tumor-mri folder as the first argument.");
    return 2;
}

string[] files = DatasetSlices.Pick(dataset, perClass);

// The targets are for 512×512. The slices are 224×224, where even an ideal cipher's entropy is about 7.9963 bits
// and its correlations scatter by ±0.0045 (1/√n), so both sizes are reported.
var codec = new ImageCodec();
var scheme = new LogisticSineScheme();
foreach (Size? size in new Size?[] { null, new Size(512, 512) })
{
    double[][] rows = [.. files.Select(file => Measure(codec.Decode(File.ReadAllBytes(file), PixelFormat.Gray8, size)))];
    string shape = size is { } s ? $"resized to {s.Width}×{s.Height}" : "native 224×224";
    Console.WriteLine($"\nlogistic-sine ({scheme.Rounds} rounds) on {rows.Length} real MRI slices ({perClass} per class, gray, {shape}), a fresh key and nonce each\n");
    PrintTable(rows);
}

return 0;

double[] Measure(PixelImage plain)
{
    using SecretKey key = SecretKey.Generate();
    byte[] nonce = RandomNumberGenerator.GetBytes(LogisticSineScheme.NonceSizeBytes);
    PixelImage encrypted = plain.CreateLike();
    scheme.Encrypt(plain, key, nonce, encrypted);
    (double npcr, double uaci) = SecurityMetrics.PlaintextSensitivity(
        scheme, plain, key, nonce, RandomNumberGenerator.GetInt32(plain.Width), RandomNumberGenerator.GetInt32(plain.Height));
    return
    [
        npcr,
        uaci,
        SecurityMetrics.Entropy(encrypted),
        SecurityMetrics.Correlation(encrypted, AdjacentDirection.Horizontal),
        SecurityMetrics.Correlation(encrypted, AdjacentDirection.Vertical),
        SecurityMetrics.Correlation(encrypted, AdjacentDirection.Diagonal),
        SecurityMetrics.KeySensitivity(scheme, plain, key, nonce, RandomNumberGenerator.GetInt32(SecretKey.SizeInBytes * 8)),
        SecurityMetrics.Correlation(plain, AdjacentDirection.Horizontal),
    ];
}

static void PrintTable(double[][] rows)
{
    (string Name, string Target, Func<double[], double> Worst)[] metrics =
    [
        ("NPCR, one pixel changed (%)", "≥ 99.60 (mean)", v => v.Min()),
        ("UACI, one pixel changed (%)", "33.46 ± 0.15", v => v.MaxBy(x => Math.Abs(x - 33.46))),
        ("entropy of the ciphertext (bits)", "≥ 7.997", v => v.Min()),
        ("correlation, horizontal", "\\|r\\| ≤ 0.01", v => v.MaxBy(Math.Abs)),
        ("correlation, vertical", "\\|r\\| ≤ 0.01", v => v.MaxBy(Math.Abs)),
        ("correlation, diagonal", "\\|r\\| ≤ 0.01", v => v.MaxBy(Math.Abs)),
        ("key sensitivity NPCR, one key bit flipped (%)", "≥ 99.5", v => v.Min()),
        ("the plain slices' horizontal correlation", "(for contrast)", v => v.Min()),
    ];
    Console.WriteLine("| metric | target | mean | worst |");
    Console.WriteLine("|---|---|---|---|");
    for (int m = 0; m < metrics.Length; m++)
    {
        double[] values = [.. rows.Select(r => r[m])];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture, $"| {metrics[m].Name} | {metrics[m].Target} | {values.Average():F4} | {metrics[m].Worst(values):F4} |"));
    }
}

using System.Diagnostics;
using System.Globalization;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Training;

// dotnet run --project models/training/export -- <dataset folder> <output folder> [size]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: export <dataset folder> <output folder> [size, default 128]");
    return 2;
}

int size = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 128;
var codec = new ImageCodec();
var exporter = new TrainingSetExporter(codec, new ScanPreparation(codec));
var clock = Stopwatch.StartNew();
ExportSummary summary = exporter.Export(args[0], args[1], size);
Console.WriteLine($"{summary.Images} images prepared at {size}×{size} into {args[1]} in {clock.Elapsed.TotalSeconds:F0} s (SHA256SUMS {summary.DatasetSha256SumsHash})");
return 0;

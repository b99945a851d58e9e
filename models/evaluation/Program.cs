using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Evaluation;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Inference;
using MedCrypt.Inference.Classification;

// dotnet run --project models/evaluation -- --data <folder-per-class dataset> [--scheme plain|<scheme id>] [--decrypt-first]
//     [--models a,b] [--files <list of class/file paths>] [--manifest models/models.json] [--json <report.json>]
//     [--logits <logits.csv>]
// A file may be PNG, JPEG or DICOM (one frame), each decoded as the portal decodes an upload.
// --logits writes one row per image: its path relative to --data (class/file), its true class, then each model's raw
// logits (columns <model>:<class>), for models/training/medcrypt_training/calibration.py.
var arguments = ParseArguments(args);
if (!arguments.TryGetValue("data", out string? data))
{
    Console.Error.WriteLine("usage: --data <dataset folder> [--scheme plain|id] [--decrypt-first] [--models a,b] [--files list] [--manifest path] [--json path] [--logits path.csv]");
    return 2;
}

await using Classifier classifier = Classifier.Load(new InferenceOptions { Manifest = arguments.GetValueOrDefault("manifest", Path.Combine("models", "models.json")) });
if (classifier.DeviceNote is { } note)
{
    Console.Error.WriteLine(note);
}

var codec = new ImageCodec();
var evaluation = new ModelEvaluation(codec, new ScanPreparation(codec), new SchemeCatalog(), classifier, new DicomCodec(codec, new DicomDecompressor()));
HashSet<string>? files = arguments.TryGetValue("files", out string? list)
    ? [.. File.ReadAllLines(list).Where(l => l.Length > 0).Select(ModelEvaluation.WithoutExtension)]
    : null;
string scheme = arguments.GetValueOrDefault("scheme", ModelEvaluation.Plain);
var clock = Stopwatch.StartNew();
EvaluationReport report = await evaluation.RunAsync(
    data, scheme, arguments.ContainsKey("decrypt-first"), arguments.TryGetValue("models", out string? models) ? models.Split(',') : null, files);

string how = report.DecryptedForInference ? ", decrypted before inference" : "";
Console.WriteLine($"{report.Images} images, scheme {report.Scheme}{how}, {classifier.Device}, {clock.Elapsed.TotalSeconds:F0} s\n");
Console.WriteLine("| model | accuracy | tumor sensitivity | tumor specificity | tumor ROC AUC |");
Console.WriteLine("|---|---|---|---|---|");
foreach ((string model, ClassificationMetrics m) in report.ByModel)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {model} | {m.Accuracy:P2} | {m.TumorSensitivity:P2} | {m.TumorSpecificity:P2} | {m.TumorRocAuc:F4} |"));
}

foreach ((string model, ClassificationMetrics m) in report.ByModel)
{
    Console.WriteLine($"\n{model}: per class (sensitivity / specificity) and confusion (rows: truth, columns: prediction)");
    foreach ((string label, ClassRates rates) in m.PerClass)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-11} {rates.Sensitivity:P2} / {rates.Specificity:P2}   {string.Join(" ", m.Confusion[m.PerClass.Keys.ToList().IndexOf(label)].Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(5)))}"));
    }
}

if (arguments.TryGetValue("json", out string? json))
{
    await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
}

if (arguments.TryGetValue("logits", out string? logits))
{
    await using var writer = new StreamWriter(logits, append: false, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    LogitsCsv.Write(writer, classifier.Models[0].Classes, report.Readings);
    Console.WriteLine($"\n{report.Readings.Count} rows of logits written to {logits}");
}

return 0;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal))
        {
            continue;
        }

        string name = args[i][2..];
        parsed[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
    }

    return parsed;
}

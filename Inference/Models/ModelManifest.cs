using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedCrypt.Inference.Models;

/// <summary>models/models.json: every model the portal runs, and how (written by models/training).</summary>
/// <param name="EnsembleTumorThreshold">The ensemble's operating point: P(tumor) at or above it is a tumor.</param>
/// <param name="EnsembleScreeningValidation">What the ensemble's operating point found and cleared per validation source; none when calibration wrote none.</param>
public sealed record ModelManifest(
    int Version,
    IReadOnlyList<ModelDescriptor> Models,
    double EnsembleTumorThreshold = ModelDescriptor.DefaultTumorThreshold,
    IReadOnlyDictionary<string, ScreeningCounts>? EnsembleScreeningValidation = null)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    [JsonIgnore]
    public string Folder { get; private init; } = "";

    public static ModelManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelConfigurationException($"The model manifest {Path.GetFullPath(path)} does not exist.");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"The model manifest {path} is not valid JSON: {e.Message}", e);
        }

        if (manifest is null || manifest.Version != 1 || manifest.Models is null || manifest.Models.Count == 0)
        {
            throw new ModelConfigurationException($"The model manifest {path} must be version 1 and list at least one model.");
        }

        foreach (ModelDescriptor model in manifest.Models)
        {
            model.Validate(path);
        }

        if (!manifest.Models.Any(m => m.InEnsemble))
        {
            throw new ModelConfigurationException($"The model manifest {path}: at least one model must be in the ensemble (inEnsemble).");
        }

        if (!ModelDescriptor.IsThreshold(manifest.EnsembleTumorThreshold))
        {
            throw new ModelConfigurationException($"The model manifest {path}: ensembleTumorThreshold must lie strictly between 0 and 1.");
        }

        if (!ScreeningCounts.AreValid(manifest.EnsembleScreeningValidation))
        {
            throw new ModelConfigurationException($"The model manifest {path}: ensembleScreeningValidation {ScreeningCounts.Invalid}");
        }

        return manifest with { Folder = Path.GetDirectoryName(Path.GetFullPath(path))! };
    }

    public string PathOf(ModelDescriptor model) => Path.Combine(Folder, model.File);
}

/// <param name="Sha256">The graph file's SHA-256 (hex) as training wrote it: a file that does not hash to it is not loaded.</param>
/// <param name="TumorThreshold">The model's operating point: P(tumor), from the calibrated probabilities, at or above it is a tumor.</param>
/// <param name="Temperature">What the model's logits are divided by before the softmax (its calibration); positive, 1 by default.</param>
/// <param name="InEnsemble">Whether the ensemble averages this model (true by default); one left out is still run and shown on its own.</param>
/// <param name="ScreeningValidation">What its operating point found and cleared per validation source; none when calibration wrote none.</param>
public sealed record ModelDescriptor(
    string Name,
    string File,
    string Sha256,
    string Input,
    string Output,
    int Size,
    Normalisation Normalisation,
    IReadOnlyList<string> Classes,
    IReadOnlyList<string> TumorClasses,
    int BlockSize,
    string AdaptationWeight,
    string AdaptationBias,
    string? DatasetSha256SumsHash,
    double TumorThreshold = ModelDescriptor.DefaultTumorThreshold,
    double Temperature = ModelDescriptor.DefaultTemperature,
    bool InEnsemble = true,
    IReadOnlyDictionary<string, ScreeningCounts>? ScreeningValidation = null)
{
    /// <summary>The operating point of a manifest that names none: the most probable side.</summary>
    public const double DefaultTumorThreshold = 0.5;

    /// <summary>
    /// The calibration of a manifest that names none: the logits as they are. A fitted temperature T (temperature
    /// scaling, models/training/medcrypt_training/calibration.py) turns logits z into probabilities softmax(z / T).
    /// </summary>
    public const double DefaultTemperature = 1.0;

    internal static bool IsThreshold(double t) => t is > 0 and < 1;

    /// <summary>Values of one block after space-to-depth: M·M·3.</summary>
    public int AdaptationLength => BlockSize * BlockSize * 3;

    internal void Validate(string manifestPath)
    {
        string Problem(string what) => $"Model '{Name}' in {manifestPath}: {what}";
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(File) || File.Contains("..", StringComparison.Ordinal))
        {
            throw new ModelConfigurationException(Problem("a name and a file name inside the manifest's folder are required."));
        }

        if (Sha256 is not { Length: 64 } || !Sha256.All(char.IsAsciiHexDigit))
        {
            throw new ModelConfigurationException(Problem("sha256 must be the graph file's SHA-256, 64 hexadecimal digits (models/training writes it)."));
        }

        if (Size < 8 || Size % 8 != 0 || BlockSize < 2 || Size % BlockSize != 0)
        {
            throw new ModelConfigurationException(Problem($"size {Size} must be a multiple of 8 and of the block size {BlockSize}."));
        }

        if (Normalisation is null || Normalisation.Mean.Count != 3 || Normalisation.Std.Count != 3 || Normalisation.Std.Any(s => s <= 0))
        {
            throw new ModelConfigurationException(Problem("normalisation needs three means and three positive standard deviations."));
        }

        if (Classes is null || Classes.Count < 2 || TumorClasses is null || TumorClasses.Any(c => !Classes.Contains(c)) || TumorClasses.Count >= Classes.Count)
        {
            throw new ModelConfigurationException(Problem("classes must list at least two labels, and tumorClasses a proper subset of them."));
        }

        if (!IsThreshold(TumorThreshold))
        {
            throw new ModelConfigurationException(Problem("tumorThreshold must lie strictly between 0 and 1."));
        }

        if (!ScreeningCounts.AreValid(ScreeningValidation))
        {
            throw new ModelConfigurationException(Problem($"screeningValidation {ScreeningCounts.Invalid}"));
        }

        if (!double.IsFinite(Temperature) || Temperature <= 0)
        {
            throw new ModelConfigurationException(Problem($"temperature {Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture)} must be a positive number (the logits are divided by it before the softmax; 1 leaves them as they are)."));
        }
    }
}

/// <summary>x = (pixel · Scale − Mean[c]) / Std[c], gray replicated to three channels.</summary>
public sealed record Normalisation(float Scale, IReadOnlyList<float> Mean, IReadOnlyList<float> Std);

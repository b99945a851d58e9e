using System.Text.Json.Nodes;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;
using MedCrypt.Testing;

namespace MedCrypt.Inference.Tests;

/// <summary>A model that cannot run as configured stops the start-up with a message that says why, never a native crash later.</summary>
public sealed class ModelLoadingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("medcrypt-models-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Auto_falls_back_to_the_cpu_and_says_why_when_cuda_is_missing()
    {
        await using Classifier classifier = Classifier.Load(TinyModels.Options with { Device = InferenceDevice.Auto });

        if (classifier.Device == "cpu")
        {
            Assert.Contains("CUDA", classifier.DeviceNote);
        }
        else
        {
            Assert.Null(classifier.DeviceNote);
        }
    }

    [Fact]
    public async Task Cuda_requested_without_cuda_fails_at_start_up()
    {
        try
        {
            await Classifier.Load(TinyModels.Options with { Device = InferenceDevice.Cuda }).DisposeAsync();
        }
        catch (ModelConfigurationException e)
        {
            Assert.Contains("cuda", e.Message, StringComparison.OrdinalIgnoreCase);
            return;
        }

        Assert.Skip("This host has a working CUDA provider: nothing to refuse.");
    }

    [Theory]
    [InlineData("missing manifest")]
    [InlineData("missing file")]
    [InlineData("wrong size")]
    [InlineData("wrong adaptation name")]
    [InlineData("wrong classes")]
    [InlineData("not json")]
    [InlineData("changed file")]
    [InlineData("no hash")]
    [InlineData("impossible screening counts")]
    public void Broken_configurations_are_refused_at_start_up(string breakage)
    {
        string manifest = Path.Combine(_folder, "models.json");
        foreach (string file in Directory.GetFiles(TinyModels.Folder, "*.onnx"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }

        JsonNode json = JsonNode.Parse(File.ReadAllText(Path.Combine(TinyModels.Folder, "models.json")))!;
        JsonNode model = json["models"]![0]!;
        switch (breakage)
        {
            case "missing file": model["file"] = "absent.onnx"; break;
            case "wrong size": model["size"] = 64; break;
            case "wrong adaptation name": model["adaptationWeight"] = "stem_weight"; break;
            case "wrong classes": model["tumorClasses"] = new JsonArray("glioma", "astrocytoma"); break;
            case "no hash": model.AsObject().Remove("sha256"); break;
            case "impossible screening counts":
                json["ensembleScreeningValidation"] = new JsonObject { ["a"] = new JsonObject { ["tumors"] = 3, ["tumorsFound"] = 4, ["tumorFree"] = 1, ["tumorFreeCleared"] = 0 } };
                break;
            case "changed file": Flip(Path.Combine(_folder, (string)model["file"]!)); break;
        }

        if (breakage != "missing manifest")
        {
            File.WriteAllText(manifest, breakage == "not json" ? "{ models: " : json.ToJsonString());
        }

        ModelConfigurationException e = Assert.Throws<ModelConfigurationException>(
            () => Classifier.Load(TinyModels.Options with { Manifest = manifest }));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        if (breakage is "changed file" or "no hash")
        {
            Assert.Contains("SHA-256", e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_untouched_copy_of_the_models_loads()
    {
        foreach (string file in Directory.GetFiles(TinyModels.Folder))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }

        await using Classifier classifier = Classifier.Load(TinyModels.Options with { Manifest = Path.Combine(_folder, "models.json") });
        Assert.Equal(2, classifier.Models.Count);
    }

    /// <summary>One bit of the graph's last byte changed: a file ONNX Runtime may still load, but not the one trained.</summary>
    private static void Flip(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 1;
        File.WriteAllBytes(file, bytes);
    }
}

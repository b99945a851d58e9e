using System.Security.Cryptography;
using System.Text.Json;
using MedCrypt.Testing;
using Microsoft.ML.OnnxRuntime;

namespace MedCrypt.Inference.Tests;

/// <summary>
/// Pins what ONNX Runtime computes with the ImageNet ResNet18 of Microsoft.ML.DnnImageFeaturizer.ResNet18 on a
/// formula input: models/training/pretrained/resnet18-reference.json. The training pipeline's PyTorch port of that
/// graph is tested against the same file (models/training/tests), so the port equals ONNX Runtime.
/// </summary>
public sealed class PretrainedResNet18Tests
{
    private static readonly string Root = RepositoryRoot.Path;
    private static readonly string Model = Path.Combine(Root, "models", "training", ".work", "nuget", "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", "tools", "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    private static readonly string Reference = Path.Combine(Root, "models", "training", "pretrained", "resnet18-reference.json");

    [Fact]
    public void Onnx_runtime_gives_the_pinned_features()
    {
        Assert.SkipUnless(File.Exists(Model), $"The package is not restored ({Model}): run dotnet restore models/training/pretrained/ResNet18Restore.csproj.");
        float[] features = Run();
        if (Environment.GetEnvironmentVariable("MEDCRYPT_WRITE_RESNET18_REFERENCE") == "1")
        {
            File.WriteAllText(Reference, JsonSerializer.Serialize(new
            {
                input = "x[c,h,w] = 60 sin(0.05 (h+1)(c+1)) + 40 cos(0.03 (w+2)(c+1)), 1×3×224×224, float32",
                onnxSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Model))),
                features,
            }, new JsonSerializerOptions { WriteIndented = false }));
        }

        using JsonDocument pinned = JsonDocument.Parse(File.ReadAllText(Reference));
        Assert.Equal(pinned.RootElement.GetProperty("onnxSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Model))));
        float[] expected = [.. pinned.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetSingle())];
        Assert.Equal(512, features.Length);
        Assert.True(expected.Zip(features).Max(p => Math.Abs(p.First - p.Second)) <= 1e-5f);
    }

    private static float[] Run()
    {
        var input = new float[3 * 224 * 224];
        for (int c = 0; c < 3; c++)
        {
            for (int h = 0; h < 224; h++)
            {
                for (int w = 0; w < 224; w++)
                {
                    input[(((c * 224) + h) * 224) + w] = (float)((60 * Math.Sin(0.05 * (h + 1) * (c + 1))) + (40 * Math.Cos(0.03 * (w + 2) * (c + 1))));
                }
            }
        }

        using var session = new InferenceSession(Model);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, [session.InputMetadata.Keys.Single()], [value], [session.OutputMetadata.Keys.Single()]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}

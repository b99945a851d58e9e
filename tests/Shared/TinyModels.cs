using MedCrypt.Inference;
using MedCrypt.Inference.Classification;

namespace MedCrypt.Testing;

/// <summary>The test fixture: two untrained TinyNets (32×32) behind the same manifest format as the real models.</summary>
internal static class TinyModels
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Assets");

    public static InferenceOptions Options => new() { Manifest = Path.Combine(Folder, "models.json"), Device = InferenceDevice.Cpu, IntraOpThreads = 1 };

    public static ImageInput Image(int seed, int channels = 1, int size = 32)
    {
        var pixels = new byte[size * size * channels];
        new Random(seed).NextBytes(pixels);
        return new ImageInput(pixels, size, size, channels);
    }
}

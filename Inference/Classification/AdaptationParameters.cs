using MedCrypt.Inference.Models;

namespace MedCrypt.Inference.Classification;

/// <summary>
/// The weight (n×n, row-major: output, input) and bias (n) fed to a model's block-adaptation inputs, in the
/// model's normalised input space. With a key's inverse block map here, the model reads images encrypted with
/// that key exactly as it reads plain ones. Build once per key and model, and reuse: batches group by instance.
/// </summary>
public sealed class AdaptationParameters
{
    private AdaptationParameters(float[] weight, float[] bias)
    {
        Weight = weight;
        Bias = bias;
    }

    public float[] Weight { get; }

    public float[] Bias { get; }

    /// <summary>
    /// Converts a block map given in pixel values (<c>plain = W·encrypted + b</c>, 0–255, index (dy·M + dx)·C + c,
    /// C = <paramref name="channels"/>) into the model's input space; a gray map is applied to each of the three channels.
    /// </summary>
    public static AdaptationParameters FromPixelMap(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int channels, ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int pixels = model.BlockSize * model.BlockSize;
        int n = pixels * channels;
        if (channels is not (1 or 3) || weight.Length != n * n || bias.Length != n)
        {
            throw new ArgumentException(
                $"Model '{model.Name}' takes {model.BlockSize}×{model.BlockSize} blocks: a {channels}-channel map needs a {n}×{n} weight and {n} biases.");
        }

        int m = model.AdaptationLength;
        var w = new float[m * m];
        var b = new float[m];
        Normalisation norm = model.Normalisation;
        for (int i = 0; i < m; i++)
        {
            int ci = i % 3;
            int row = channels == 3 ? i : i / 3; // a gray map acts on each channel alike
            double sum = bias[row] * norm.Scale - norm.Mean[ci];
            for (int j = 0; j < m; j++)
            {
                int cj = j % 3;
                if (channels == 1 && cj != ci)
                {
                    continue;
                }

                float value = weight[(row * n) + (channels == 3 ? j : j / 3)];
                if (value != 0)
                {
                    w[(i * m) + j] = value * norm.Std[cj] / norm.Std[ci];
                    sum += value * norm.Mean[cj];
                }
            }

            b[i] = (float)(sum / norm.Std[ci]);
        }

        return new AdaptationParameters(w, b);
    }

    /// <summary>The identity (what the model does by default), for tests and comparisons.</summary>
    public static AdaptationParameters Identity(ModelDescriptor model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int m = model.AdaptationLength;
        var w = new float[m * m];
        for (int i = 0; i < m; i++)
        {
            w[(i * m) + i] = 1;
        }

        return new AdaptationParameters(w, new float[m]);
    }
}

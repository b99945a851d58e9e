using System.Buffers;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;

namespace MedCrypt.Inference.Sessions;

/// <summary>Pixels → the model's normalised N×3×S×S float layout, through one 256-entry table per channel.</summary>
internal sealed class InputPacker
{
    private readonly float[][] _lookup;

    public InputPacker(Normalisation normalisation)
    {
        _lookup = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            _lookup[c] = new float[256];
            for (int v = 0; v < 256; v++)
            {
                _lookup[c][v] = ((v * normalisation.Scale) - normalisation.Mean[c]) / normalisation.Std[c];
            }
        }
    }

    /// <summary>Writes one image's 3×S×S planes into <paramref name="destination"/>, unscrambling protected pixels on the way.</summary>
    public void Pack(ImageInput image, Span<float> destination)
    {
        if (image.Unscramble is not { } permutation)
        {
            Pack(image.Pixels.Span, image, destination);
            return;
        }

        byte[] plain = ArrayPool<byte>.Shared.Rent(image.Pixels.Length);
        try
        {
            Span<byte> values = plain.AsSpan(0, image.Pixels.Length);
            permutation.Apply(image.Pixels.Span, values);
            Pack(values, image, destination);
        }
        finally
        {
            // The plain values must not linger in a pooled buffer another caller will read.
            plain.AsSpan(0, image.Pixels.Length).Clear();
            ArrayPool<byte>.Shared.Return(plain);
        }
    }

    private void Pack(ReadOnlySpan<byte> pixels, ImageInput image, Span<float> destination)
    {
        int plane = image.Width * image.Height;
        for (int c = 0; c < 3; c++)
        {
            ReadOnlySpan<float> lookup = _lookup[c];
            Span<float> target = destination.Slice(c * plane, plane);
            int offset = image.Channels == 1 ? 0 : c;
            for (int i = 0; i < plane; i++)
            {
                target[i] = lookup[pixels[(i * image.Channels) + offset]];
            }
        }
    }
}

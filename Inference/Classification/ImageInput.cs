namespace MedCrypt.Inference.Classification;

/// <summary>
/// Decoded pixels at the model's input size: 8-bit gray (1 channel) or RGB (3, interleaved). With
/// <see cref="Unscramble"/>, the pixels are protected and the permutation gives the model their plain values.
/// </summary>
public readonly record struct ImageInput(ReadOnlyMemory<byte> Pixels, int Width, int Height, int Channels)
{
    public InputPermutation? Unscramble { get; init; }

    internal void Validate(int size)
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentException($"Images have 1 (gray) or 3 (RGB) channels, not {Channels}.");
        }

        if (Width != size || Height != size)
        {
            throw new ArgumentException($"The models take {size} × {size} images; this one is {Width} × {Height}. Prepare (resize) it first.");
        }

        if (Pixels.Length != Width * Height * Channels)
        {
            throw new ArgumentException($"A {Width} × {Height} × {Channels} image has {Width * Height * Channels} bytes; the buffer has {Pixels.Length}.");
        }

        if (Unscramble is { } permutation && permutation.Length != Pixels.Length)
        {
            throw new ArgumentException($"The image's permutation covers {permutation.Length} values; the image has {Pixels.Length}.");
        }
    }
}

using MedCrypt.Crypto.Images;

namespace MedCrypt.Crypto.Schemes.Shuffle;

/// <summary>
/// A permutation of all of one image's values, each XORed with a mask byte:
/// <c>out[j] = in[source[j]] XOR mask[j]</c>, values indexed in memory order (row, column, channel). It is exact, so
/// whoever holds it can hand a model the plain values (a gather and an XOR: ONNX's Gather and BitwiseXor) without the key.
/// </summary>
public sealed class ImageValueMap
{
    private readonly int[] _source;
    private readonly byte[] _xorMask;

    internal ImageValueMap(int width, int height, int channels, int[] source, byte[] xorMask)
    {
        Width = width;
        Height = height;
        Channels = channels;
        _source = source;
        _xorMask = xorMask;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    /// <summary>W·H·C.</summary>
    public int Length => _source.Length;

    /// <summary>For each output value, the index of the input value it comes from.</summary>
    public ReadOnlySpan<int> Source => _source;

    /// <summary>The byte each value is XORed with (0xFF is negative–positive's 255 − v).</summary>
    public ReadOnlySpan<byte> XorMask => _xorMask;

    public ImageValueMap Inverse()
    {
        var source = new int[Length];
        var mask = new byte[Length];
        for (int j = 0; j < Length; j++)
        {
            // out[j] = in[s] ^ m  ⇔  in[s] = out[j] ^ m
            source[_source[j]] = j;
            mask[_source[j]] = _xorMask[j];
        }

        return new ImageValueMap(Width, Height, Channels, source, mask);
    }

    internal void Apply(PixelImage source, PixelImage destination)
    {
        if (source.Width != Width || source.Height != Height || source.Channels != Channels)
        {
            throw new ArgumentException($"The map is for {Width} × {Height} × {Channels} images; this one is {source}.", nameof(source));
        }

        ReadOnlySpan<byte> from = source.Pixels;
        Span<byte> to = destination.Pixels;
        ReadOnlySpan<int> index = _source;
        ReadOnlySpan<byte> mask = _xorMask;
        for (int j = 0; j < to.Length; j++)
        {
            to[j] = (byte)(from[index[j]] ^ mask[j]);
        }
    }
}

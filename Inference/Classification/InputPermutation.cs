namespace MedCrypt.Inference.Classification;

/// <summary>
/// How to read an image whose values were permuted and XORed with a mask for this image alone:
/// <c>plain[j] = protected[Source[j]] XOR Mask[j]</c> over the W·H·C values in memory order. The packer applies it
/// while it writes the model's input tensor, so the plain values exist only there, and Inference never holds the key
/// that made it — only this one image's map.
/// </summary>
public sealed class InputPermutation
{
    private readonly int[] _source;
    private readonly byte[] _mask;

    public InputPermutation(ReadOnlySpan<int> source, ReadOnlySpan<byte> mask)
    {
        if (source.Length != mask.Length)
        {
            throw new ArgumentException($"A permutation of {source.Length} values needs {source.Length} mask bytes, not {mask.Length}.");
        }

        var seen = new bool[source.Length];
        foreach (int s in source)
        {
            if ((uint)s >= (uint)source.Length || seen[s])
            {
                throw new ArgumentException("The source indices must be a permutation of 0 … n − 1.", nameof(source));
            }

            seen[s] = true;
        }

        _source = source.ToArray();
        _mask = mask.ToArray();
    }

    public int Length => _source.Length;

    /// <summary>Writes the plain value j, for every j, into <paramref name="plain"/>.</summary>
    internal void Apply(ReadOnlySpan<byte> protectedValues, Span<byte> plain)
    {
        ReadOnlySpan<int> source = _source;
        ReadOnlySpan<byte> mask = _mask;
        for (int j = 0; j < plain.Length; j++)
        {
            plain[j] = (byte)(protectedValues[source[j]] ^ mask[j]);
        }
    }
}

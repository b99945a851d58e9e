using MedCrypt.Crypto.Images;

namespace MedCrypt.Benchmarks;

/// <summary>One benchmarked combination: a 512×512 image format and the scheme that runs on it (if any).</summary>
public sealed record BenchCase(PixelFormat Format, string Scheme)
{
    public const int Side = 512;

    public int ByteCount => Side * Side * (int)Format;

    public override string ToString() => Scheme.Length == 0 ? Format.ToString() : $"{Format} {Scheme}";
}

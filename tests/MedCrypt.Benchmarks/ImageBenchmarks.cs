using BenchmarkDotNet.Attributes;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Benchmarks;

/// <summary>
/// The floor every row is compared with: a plain copy of the same 512×512 buffer, measured in the same run
/// (its Ratio is 1). Destinations are allocated once, so the figures are the transforms alone.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public abstract class ImageBenchmarks
{
    protected static readonly SchemeCatalog Catalog = new();

    [ParamsSource(nameof(Cases))]
    public BenchCase Case { get; set; } = null!;

    public abstract IEnumerable<BenchCase> Cases();

    protected SecretKey Key { get; } = SecretKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    protected PixelImage Plain { get; private set; } = null!;

    protected PixelImage Destination { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Plain = new PixelImage(BenchCase.Side, BenchCase.Side, Case.Format);
        new Random(1).NextBytes(Plain.Pixels);
        Destination = Plain.CreateLike();
        SetupCase();
    }

    [Benchmark(Baseline = true, Description = "copy (floor)")]
    public void Copy() => Plain.Pixels.CopyTo(Destination.Pixels);

    protected abstract void SetupCase();

    protected static IEnumerable<BenchCase> SchemeCases(Func<ImageProtectionScheme, bool> include) =>
        from format in Enum.GetValues<PixelFormat>()
        from scheme in Catalog.All
        where include(scheme) && !(scheme.Id == "color-shuffle" && format == PixelFormat.Gray8) // RGB only
        select new BenchCase(format, scheme.Id);
}

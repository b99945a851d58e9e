using BenchmarkDotNet.Attributes;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Benchmarks;

/// <summary>AES-256-GCM envelope sealing and opening of the image buffer (fresh data key and nonces per seal).</summary>
public class EnvelopeBenchmarks : ImageBenchmarks
{
    private readonly MasterKey _master = new("bench", SecretKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)(3 * i)).ToArray()));
    private readonly byte[] _context = new EnvelopeContext("study/bench", "original-image").ToAssociatedData();
    private byte[] _sealed = [];
    private byte[] _envelope = [];

    public override IEnumerable<BenchCase> Cases() => Enum.GetValues<PixelFormat>().Select(f => new BenchCase(f, ""));

    [Benchmark(Description = "AES-GCM seal")]
    public int Seal() => EnvelopeCipher.Seal(Plain.Pixels, _context, _master, _envelope);

    [Benchmark(Description = "AES-GCM open")]
    public int Open() => EnvelopeCipher.Open(_sealed, _context, _master, Destination.Pixels);

    protected override void SetupCase()
    {
        _sealed = EnvelopeCipher.Seal(Plain.Pixels, _context, _master);
        _envelope = new byte[_sealed.Length];
    }
}

using BenchmarkDotNet.Attributes;
using MedCrypt.Crypto.Images;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Benchmarks;

public class DecryptBenchmarks : ImageBenchmarks
{
    private ImageProtectionScheme _scheme = null!;
    private byte[] _nonce = [];
    private PixelImage _encrypted = null!;

    public override IEnumerable<BenchCase> Cases() => SchemeCases(scheme => scheme.IsInvertible);

    [Benchmark(Description = "decrypt")]
    public void Decrypt() => _scheme.Decrypt(_encrypted, Key, _nonce, Destination);

    protected override void SetupCase()
    {
        _scheme = Catalog.Get(Case.Scheme);
        _nonce = new byte[_scheme.NonceSize];
        _encrypted = Plain.CreateLike();
        _scheme.Encrypt(Plain, Key, _nonce, _encrypted);
    }
}

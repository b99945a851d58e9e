using BenchmarkDotNet.Attributes;
using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Benchmarks;

public class EncryptBenchmarks : ImageBenchmarks
{
    private ImageProtectionScheme _scheme = null!;
    private byte[] _nonce = [];

    public override IEnumerable<BenchCase> Cases() => SchemeCases(_ => true);

    [Benchmark(Description = "encrypt")]
    public void Encrypt() => _scheme.Encrypt(Plain, Key, _nonce, Destination);

    protected override void SetupCase()
    {
        _scheme = Catalog.Get(Case.Scheme);
        _nonce = new byte[_scheme.NonceSize];
    }
}

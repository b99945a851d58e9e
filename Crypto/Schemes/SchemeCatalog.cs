using System.Diagnostics.CodeAnalysis;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Crypto.Schemes.Chaos;
using MedCrypt.Crypto.Schemes.Filters;
using MedCrypt.Crypto.Schemes.Shuffle;

namespace MedCrypt.Crypto.Schemes;

/// <summary>Every image-protection scheme, configured once, found by its stable id.</summary>
public sealed class SchemeCatalog
{
    /// <summary>The scheme an upload gets unless another is chosen: encryption that the models still read exactly.</summary>
    public const string DefaultSchemeId = PixelShuffleScheme.SchemeId;

    private readonly Dictionary<string, ImageProtectionScheme> _byId;

    public SchemeCatalog(SchemeOptions? options = null)
    {
        options ??= new SchemeOptions();
        All =
        [
            new PixelShuffleScheme(),
            new BlockScramblingScheme(options.BlockSize),
            new LogisticSineScheme(options.LogisticSineRounds),
            new NegativePositiveScheme(options.BlockSize),
            new ColorShufflingScheme(options.BlockSize),
            new MedianFilterScheme(options.FilterKernelSize),
            new MeanFilterScheme(options.FilterKernelSize),
            new MaxFilterScheme(options.FilterKernelSize),
            new MinFilterScheme(options.FilterKernelSize),
            new BlockSmoothingScheme(options.SmoothingBlockSize),
        ];
        _byId = All.ToDictionary(s => s.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<ImageProtectionScheme> All { get; }

    public bool TryGet(string id, [NotNullWhen(true)] out ImageProtectionScheme? scheme) => _byId.TryGetValue(id, out scheme);

    public ImageProtectionScheme Get(string id) =>
        TryGet(id, out ImageProtectionScheme? scheme)
            ? scheme
            : throw new ArgumentException(
                $"Unknown protection scheme '{id}'. Known schemes: {string.Join(", ", _byId.Keys)}.");
}

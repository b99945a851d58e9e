using System.Runtime.CompilerServices;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes.Blockwise;
using MedCrypt.Inference.Classification;
using MedCrypt.Inference.Models;

namespace MedCrypt.Domain.Analysis;

/// <summary>
/// What lets the models read block-encrypted pixels: for a key, the inverse of its block map (from Crypto) turned
/// into each model's adaptation weight and bias (for Inference). Computed once per key instance and cached with it.
/// </summary>
public sealed class BlockAdaptations(IReadOnlyList<ModelDescriptor> models)
{
    private readonly ConditionalWeakTable<SecretKey, Dictionary<(string Scheme, int Channels), IReadOnlyDictionary<string, AdaptationParameters>>> _cache = [];

    public IReadOnlyDictionary<string, AdaptationParameters> For(BlockwiseScheme scheme, SecretKey key, int channels)
    {
        ArgumentNullException.ThrowIfNull(scheme);
        ArgumentNullException.ThrowIfNull(key);
        Dictionary<(string, int), IReadOnlyDictionary<string, AdaptationParameters>> perKey = _cache.GetOrCreateValue(key);
        lock (perKey)
        {
            if (!perKey.TryGetValue((scheme.Id, channels), out IReadOnlyDictionary<string, AdaptationParameters>? adaptations))
            {
                adaptations = Build(scheme, key, channels);
                perKey[(scheme.Id, channels)] = adaptations;
            }

            return adaptations;
        }
    }

    private IReadOnlyDictionary<string, AdaptationParameters> Build(BlockwiseScheme scheme, SecretKey key, int channels)
    {
        BlockLinearMap inverse = scheme.GetBlockMap(key, channels).Inverse();
        var weight = new float[inverse.Length * inverse.Length];
        var bias = new float[inverse.Length];
        inverse.WriteAffine(weight, bias, fullScale: 255f);
        var result = new Dictionary<string, AdaptationParameters>();
        foreach (ModelDescriptor model in models)
        {
            if (Mismatch(model, scheme) is { } why)
            {
                throw new InvalidOperationException(why);
            }

            result[model.Name] = AdaptationParameters.FromPixelMap(weight, bias, channels, model);
        }

        return result;
    }

    /// <summary>Why <paramref name="model"/> cannot read <paramref name="scheme"/>'s blocks; null when it can.</summary>
    internal static string? Mismatch(ModelDescriptor model, BlockwiseScheme scheme) => model.BlockSize == scheme.BlockSize ? null
        : $"Model '{model.Name}' adapts {model.BlockSize}×{model.BlockSize} blocks but '{scheme.Id}' is configured with {scheme.BlockSize}×{scheme.BlockSize}: set Crypto:Schemes:BlockSize to {model.BlockSize}.";
}

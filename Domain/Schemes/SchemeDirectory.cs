using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Domain.Schemes;

/// <summary>The protection schemes this installation offers, as the portal and the API list them.</summary>
public sealed class SchemeDirectory(SchemeCatalog catalog)
{
    public IReadOnlyList<SchemeDescriptor> List() =>
        [.. catalog.All.Select(s => new SchemeDescriptor(s.Id, s.DisplayName, s.IsInvertible, s.IsModelReadable))];
}

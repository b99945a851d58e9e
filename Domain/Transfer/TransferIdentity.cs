using MedCrypt.Domain.Keys;

namespace MedCrypt.Domain.Transfer;

/// <summary>This installation's <see cref="InstallationIdentity"/>, derived once from the key store's transfer key (made on first use).</summary>
public sealed class TransferIdentity(IKeyStore keys, TransferSettings settings)
{
    private readonly SemaphoreSlim _deriving = new(1, 1);
    private InstallationIdentity? _identity;

    public async Task<InstallationIdentity> CurrentAsync(CancellationToken cancellationToken)
    {
        if (_identity is { } known)
        {
            return known;
        }

        await _deriving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _identity ??= InstallationIdentity.Derive(settings.InstitutionName, await keys.TransferIdentityKeyAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _deriving.Release();
        }
    }
}

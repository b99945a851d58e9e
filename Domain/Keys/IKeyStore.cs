using MedCrypt.Crypto.Keys;

namespace MedCrypt.Domain.Keys;

/// <summary>
/// The hospital's keys: one active key per protection scheme and one current master key that wraps the originals'
/// data keys, each with a stable id so stored data names the key it needs. Kept encrypted at rest by the portal.
/// </summary>
public interface IKeyStore
{
    /// <summary>The scheme's active key, made from the CSPRNG on first use.</summary>
    Task<(string Id, SecretKey Key)> ActiveSchemeKeyAsync(string schemeId, CancellationToken cancellationToken);

    /// <summary>A scheme key by id (to decrypt what it protected, also after a newer key became active).</summary>
    Task<SecretKey> SchemeKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>The master key new envelopes are sealed under, made on first use.</summary>
    Task<MasterKey> CurrentMasterKeyAsync(CancellationToken cancellationToken);

    /// <summary>A master key by id, current or retired, to open older envelopes.</summary>
    Task<MasterKey> MasterKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Makes a new current master key; the old one stays readable until its envelopes are re-wrapped.</summary>
    Task<MasterKey> RotateMasterKeyAsync(string actor, CancellationToken cancellationToken);

    /// <summary>
    /// The key patient pseudonyms are made under (<see cref="Imaging.Dicom.PatientPseudonym"/>), made on first use and
    /// never rotated: a new one would split every patient's studies into before and after.
    /// </summary>
    Task<SecretKey> PatientPseudonymKeyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The secret this installation's transfer keys are derived from (<see cref="Transfer.InstallationIdentity"/>), made on
    /// first use and not rotated here: other hospitals hold its public keys, so a new one is a new card for all of them.
    /// </summary>
    Task<SecretKey> TransferIdentityKeyAsync(CancellationToken cancellationToken);

    /// <summary>Makes a new active key for a scheme and returns its id; older keys stay readable (studies name theirs).</summary>
    Task<string> RotateSchemeKeyAsync(string schemeId, string actor, CancellationToken cancellationToken);

    /// <summary>Every key's facts (never its bytes), for administrators.</summary>
    Task<IReadOnlyList<KeySummary>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The active master key's id, or null before the first one is made (unlike <see cref="CurrentMasterKeyAsync"/>, makes none).</summary>
    Task<string?> ActiveMasterKeyIdAsync(CancellationToken cancellationToken);
}

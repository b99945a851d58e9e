using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Domain.Studies;

/// <summary>Opens a study's sealed images, for use cases that have checked access and audit it themselves.</summary>
public sealed class StudyImages(IKeyStore keys)
{
    /// <exception cref="EnvelopeException">The envelope was altered or is bound to another study.</exception>
    /// <exception cref="KeyNotFoundException">Its master key is gone from the key store.</exception>
    public async Task<byte[]> OriginalPngAsync(SealedStudy study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        MasterKey master = await keys.MasterKeyAsync(EnvelopeCipher.ReadMasterKeyId(study.SealedOriginal), cancellationToken).ConfigureAwait(false);
        return EnvelopeCipher.Open(study.SealedOriginal, StudyAnalyser.OriginalContext(study.Id), master);
    }

    /// <exception cref="EnvelopeException">The envelope was altered, or its nonce, scheme or scheme key changed in the database.</exception>
    /// <exception cref="KeyNotFoundException">Its master key is gone from the key store.</exception>
    public async Task<byte[]> ProtectedPngAsync(SealedStudy study, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(study);
        MasterKey master = await keys.MasterKeyAsync(EnvelopeCipher.ReadMasterKeyId(study.SealedProtected), cancellationToken).ConfigureAwait(false);
        return EnvelopeCipher.Open(
            study.SealedProtected, StudyAnalyser.ProtectedContext(study.Id, study.SchemeId, study.SchemeKeyId, study.ProtectedNonce), master);
    }
}

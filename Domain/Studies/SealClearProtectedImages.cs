using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Keys;

namespace MedCrypt.Domain.Studies;

/// <summary>
/// Databases from before protected images were sealed hold their PNGs in the clear: at the first start of this version,
/// before any request, each is sealed under the current master key, bound to its study, scheme, key and nonce, and the
/// audit log records that it was done. After that the step never runs again, so a PNG written into the column later
/// (by someone with the database) stays refused by the read path, which accepts only envelopes, rather than being
/// sealed and then served as verified.
/// </summary>
public sealed class SealClearProtectedImages(IStudyStore studies, IKeyStore keys, IAuditQueries journal, AuditLog audit)
{
    public const string Action = "studies.seal-clear-protected-images";
    private const int BatchSize = 100;

    /// <summary>How many images it sealed; null when it had run before and did nothing.</summary>
    public async Task<int?> RunAsync(CancellationToken cancellationToken)
    {
        if (await journal.LastOfAsync([Action], cancellationToken) is not null)
        {
            return null;
        }

        IReadOnlyList<Guid> clear = await studies.ClearProtectedIdsAsync(cancellationToken);
        if (clear.Count > 0)
        {
            MasterKey master = await keys.CurrentMasterKeyAsync(cancellationToken);
            foreach (Guid[] batch in clear.Chunk(BatchSize))
            {
                await studies.RewriteSealedAsync(batch, (study, _) => Task.FromResult(study.SealedProtected is [0x89, ..]
                    ? study with { SealedProtected = EnvelopeCipher.Seal(study.SealedProtected, StudyAnalyser.ProtectedContext(study.Id, study.SchemeId, study.SchemeKeyId, study.ProtectedNonce), master) }
                    : null), cancellationToken);
            }
        }

        await audit.RecordAsync("system", Action, "studies", AuditOutcome.Succeeded, $"{clear.Count} protected images sealed; from now on a clear one is refused", cancellationToken);
        return clear.Count;
    }
}

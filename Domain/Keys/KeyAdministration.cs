using System.Security.Cryptography;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Domain.Keys;

/// <summary>
/// Key management for administrators: the key list, a new key for a scheme, and two ways to move every sealed payload
/// (each study's original and protected image) onto a new master key. Rotation re-wraps each envelope's data key (60
/// bytes; it contains a leaked master key). Re-encryption, after a suspected compromise, opens every payload and seals
/// it again under a fresh data key (it also contains leaked data keys). Both run online in small batches, each in its
/// own transaction, and are idempotent: they move whatever is not yet under the current master key, so a second run
/// finishes what a crash or a cancellation left. Old keys are never deleted, so nothing becomes unreadable meanwhile.
/// Every action, allowed or denied, and every re-encryption batch, is audited.
/// </summary>
public sealed class KeyAdministration(IKeyStore keys, SchemeCatalog schemes, AuditLog audit, AccessGuard guard, IStudyStore studies, IAuditQueries journal, TimeProvider clock)
{
    public const int DefaultBatchSize = 50;
    private const string ReencryptAction = "key.reencrypt";
    private const string ReencryptBatchAction = "key.reencrypt.batch";
    private const string ReencryptDoneAction = "key.reencrypt.done";
    private const string ResumedDetail = "re-encryption resumed";

    /// <summary>An upload that took the old master key just before a rotation is stored a little later; a later pass catches it.</summary>
    private static readonly TimeSpan LateUploadWindow = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _rewrapping = new(1, 1);

    /// <exception cref="AccessDeniedException">The user may not administer keys (audited).</exception>
    public async Task<IReadOnlyList<KeySummary>> ListAsync(Actor user, CancellationToken cancellationToken)
    {
        string actor = await DemandAsync(user, "keys.list", "keys", cancellationToken);
        IReadOnlyList<KeySummary> list = await keys.ListAsync(cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor, "keys.list", "keys", AuditOutcome.Succeeded, $"{list.Count} keys", cancellationToken).ConfigureAwait(false);

        // Sorted here: SQLite cannot order by a DateTimeOffset.
        return [.. list.OrderBy(k => k.Purpose, StringComparer.Ordinal).ThenByDescending(k => k.CreatedAt)];
    }

    /// <summary>A new active key for the scheme; studies made under the previous one name it and still open.</summary>
    /// <exception cref="RejectedInputException">An unknown scheme.</exception>
    public async Task<string> CreateSchemeKeyAsync(Actor user, string schemeId, CancellationToken cancellationToken)
    {
        string actor = await DemandAsync(user, "key.create", $"scheme/{schemeId}", cancellationToken);
        if (!schemes.TryGet(schemeId, out ImageProtectionScheme? scheme))
        {
            await audit.RecordAsync(actor, "key.create", $"scheme/{schemeId}", AuditOutcome.Failed, "unknown scheme", cancellationToken);
            throw new RejectedInputException($"Unknown protection scheme '{schemeId}'. Known schemes: {string.Join(", ", schemes.All.Select(s => s.Id))}.");
        }

        string id = await keys.RotateSchemeKeyAsync(scheme.Id, actor, cancellationToken);
        await audit.RecordAsync(actor, "key.create", $"key/{id}", AuditOutcome.Succeeded, $"new active key for {scheme.Id}; earlier keys stay readable", cancellationToken);
        return id;
    }

    /// <summary>Makes a new master key, then re-wraps every sealed payload onto it.</summary>
    /// <param name="onBatch">Called after each committed batch with the running totals (a page's progress).</param>
    public Task<RewrapReport> RotateMasterKeyAsync(
        Actor user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default) =>
        RotateAsync(user, Reencryption.Rewrap, onBatch, batchSize, cancellationToken);

    /// <summary>
    /// After a suspected compromise: a new master key, then every sealed payload opened and sealed again under a fresh
    /// data key. the portal's key maintenance runs it in the background and resumes it after a restart.
    /// </summary>
    public Task<RewrapReport> ReencryptAsync(
        Actor user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default) =>
        RotateAsync(user, Reencryption.Reseal, onBatch, batchSize, cancellationToken);

    /// <summary>Re-wraps whatever is not under the current master key yet: finishes an interrupted rotation.</summary>
    public async Task<RewrapReport> RewrapAsync(
        Actor user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        string actor = await DemandAsync(user, "key.master.rewrap", "keys/master", cancellationToken);
        return await RewrapCoreAsync(actor, await keys.CurrentMasterKeyAsync(cancellationToken), Reencryption.Rewrap, onBatch, batchSize, cancellationToken);
    }

    /// <summary>
    /// Seals again under fresh data keys whatever is not under the current master key yet: finishes an interrupted
    /// re-encryption. If the master key was rotated since the job began, "under the current key" no longer means "sealed
    /// afresh" (a rotation re-wraps the old data keys), so the job starts over under a new master key.
    /// </summary>
    public async Task<RewrapReport> ResumeReencryptionAsync(
        Actor user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        string actor = await DemandAsync(user, ReencryptAction, "keys/master", cancellationToken);
        MasterKey current = await keys.CurrentMasterKeyAsync(cancellationToken);
        string? jobKey = (await journal.LastOfAsync([ReencryptAction], cancellationToken))?.Subject; // the key the job moves onto

        if (jobKey != $"key/{current.Id}")
        {
            await audit.RecordAsync(actor, ReencryptAction, $"key/{current.Id}", AuditOutcome.Failed,
                $"the master key changed since the interrupted job began ({jobKey ?? "unknown"}): starting over", cancellationToken);
            return await RotateAsync(user, Reencryption.Reseal, onBatch, batchSize, cancellationToken);
        }

        await audit.RecordAsync(actor, ReencryptAction, $"key/{current.Id}", AuditOutcome.Succeeded, ResumedDetail, cancellationToken);
        return await RewrapCoreAsync(actor, current, Reencryption.Reseal, onBatch, batchSize, cancellationToken);
    }

    /// <summary>True when the audit log's last re-encryption entry is not its end: a crash or a cancellation interrupted it.</summary>
    public async Task<bool> IsReencryptionUnfinishedAsync(CancellationToken cancellationToken) =>
        (await journal.LastOfAsync([ReencryptAction, ReencryptDoneAction], cancellationToken))?.Action == ReencryptAction;

    /// <summary>The guard's demand; returns the name the audit entries that follow carry.</summary>
    private async Task<string> DemandAsync(Actor user, string action, string subject, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(user, Permission.AdministerKeys, action, subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        return user.Name;
    }

    private async Task<RewrapReport> RotateAsync(Actor user, Reencryption mode, Action<RewrapReport>? onBatch, int batchSize, CancellationToken cancellationToken)
    {
        string action = mode == Reencryption.Rewrap ? "key.master.rotate" : ReencryptAction;
        string actor = await DemandAsync(user, action, "keys/master", cancellationToken);
        string? retired = await keys.ActiveMasterKeyIdAsync(cancellationToken);

        MasterKey next = await keys.RotateMasterKeyAsync(actor, cancellationToken);
        string started = mode == Reencryption.Rewrap ? "" : "re-encryption started: every payload gets a fresh data key; ";
        await audit.RecordAsync(actor, action, $"key/{next.Id}", AuditOutcome.Succeeded, $"{started}replaces {retired ?? "no key"}", cancellationToken);
        RewrapReport report = await RewrapCoreAsync(actor, next, mode, onBatch, batchSize, cancellationToken);
        return report with { RetiredMasterKeyId = retired };
    }

    private async Task<RewrapReport> RewrapCoreAsync(
        string actor, MasterKey current, Reencryption mode, Action<RewrapReport>? onBatch, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await _rewrapping.WaitAsync(cancellationToken);
        var report = new RewrapReport(current.Id, 0, 0, 0, []);
        var failed = new List<Guid>();
        try
        {
            // Pass one takes every study; each later pass only the studies stored since the previous one began (uploads
            // that sealed under the old key just before the rotation), until a pass finds nothing new.
            var seen = new HashSet<Guid>();
            DateTimeOffset? since = null;
            while (true)
            {
                DateTimeOffset passStarted = clock.GetUtcNow();
                List<Guid> ids = [.. await studies.IdsAsync(since, cancellationToken)];
                ids.RemoveAll(id => !seen.Add(id));
                if (ids.Count == 0)
                {
                    break;
                }

                foreach (Guid[] batch in ids.Chunk(batchSize))
                {
                    (int rewrapped, int alreadyCurrent) = await RewrapBatchAsync(batch, current, mode, failed, cancellationToken);
                    report = report with
                    {
                        Examined = report.Examined + batch.Length,
                        Rewrapped = report.Rewrapped + rewrapped,
                        AlreadyCurrent = report.AlreadyCurrent + alreadyCurrent,
                        Failed = [.. failed],
                    };
                    if (mode == Reencryption.Reseal)
                    {
                        await audit.RecordAsync(actor, ReencryptBatchAction, $"key/{current.Id}", AuditOutcome.Succeeded,
                            $"{rewrapped} sealed afresh, {alreadyCurrent} already current, {failed.Count} failed so far; {report.Examined} examined", cancellationToken);
                    }

                    onBatch?.Invoke(report);
                }

                since = passStarted - LateUploadWindow;
            }
        }
        catch (OperationCanceledException)
        {
            // Re-encryption stays unfinished in the log (its last entry is not the end), so the next start resumes it.
            await audit.RecordAsync(actor, mode == Reencryption.Rewrap ? "key.master.rewrap" : ReencryptBatchAction, $"key/{current.Id}", AuditOutcome.Failed,
                $"cancelled after {report.Rewrapped} moved; run it again to finish", CancellationToken.None);
            throw;
        }
        finally
        {
            _rewrapping.Release();
        }

        string moved = mode == Reencryption.Rewrap ? "re-wrapped" : "sealed afresh";
        string detail = $"{report.Examined} examined, {report.Rewrapped} {moved}, {report.AlreadyCurrent} already current, {failed.Count} failed"
            + (failed.Count > 0 ? ": " + string.Join(", ", failed.Take(20)) : "");
        await audit.RecordAsync(actor, mode == Reencryption.Rewrap ? "key.master.rewrap" : ReencryptDoneAction, $"key/{current.Id}",
            failed.Count == 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed, detail, cancellationToken);
        return report;
    }

    /// <summary>
    /// One batch in one transaction. Each new envelope is opened with its context before it is written, so a damaged
    /// envelope is reported and its study left as it was rather than given one that does not open either.
    /// </summary>
    private async Task<(int Rewrapped, int AlreadyCurrent)> RewrapBatchAsync(Guid[] batch, MasterKey current, Reencryption mode, List<Guid> failed, CancellationToken cancellationToken)
    {
        int rewrapped = 0, alreadyCurrent = 0;
        await studies.RewriteSealedAsync(batch, async (row, ct) =>
        {
            byte[]? original, protectedImage;
            try
            {
                original = await MoveAsync(row.SealedOriginal, StudyAnalyser.OriginalContext(row.Id), current, mode, ct).ConfigureAwait(false);
                protectedImage = await MoveAsync(row.SealedProtected, StudyAnalyser.ProtectedContext(row.Id, row.SchemeId, row.SchemeKeyId, row.ProtectedNonce), current, mode, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is EnvelopeException or KeyNotFoundException)
            {
                failed.Add(row.Id);
                return null;
            }

            if (original is null && protectedImage is null)
            {
                alreadyCurrent++;
                return null;
            }

            rewrapped++;
            return row with { SealedOriginal = original ?? row.SealedOriginal, SealedProtected = protectedImage ?? row.SealedProtected };
        }, cancellationToken).ConfigureAwait(false);
        return (rewrapped, alreadyCurrent);
    }

    /// <summary>The envelope under <paramref name="current"/> (re-wrapped, or sealed afresh), checked to open; null when it is under it already.</summary>
    private async Task<byte[]?> MoveAsync(byte[] envelope, byte[] context, MasterKey current, Reencryption mode, CancellationToken cancellationToken)
    {
        string keyId = EnvelopeCipher.ReadMasterKeyId(envelope);
        if (keyId == current.Id)
        {
            return null;
        }

        MasterKey old = await keys.MasterKeyAsync(keyId, cancellationToken);
        byte[] next;
        if (mode == Reencryption.Rewrap)
        {
            next = EnvelopeCipher.Rewrap(envelope, old, current);
        }
        else
        {
            byte[] plaintext = EnvelopeCipher.Open(envelope, context, old);
            try
            {
                next = EnvelopeCipher.Seal(plaintext, context, current);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }

        EnvelopeCipher.Open(next, context, current); // throws rather than store what would not open
        return next;
    }

    private enum Reencryption
    {
        Rewrap,
        Reseal,
    }

}

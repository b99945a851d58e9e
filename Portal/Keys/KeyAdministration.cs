using System.Security.Claims;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Keys;
using MedCrypt.Portal.Administration;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Keys;

/// <summary>
/// Key management for administrators: the key list, a new key for a scheme, and master-key rotation followed by
/// re-wrapping every sealed original onto the new key. The re-wrap runs online in small batches, each in its own
/// transaction, and is idempotent: it moves whatever is not yet under the current master key, so a second run
/// finishes what a crash or a cancellation left. Old keys are never deleted, so nothing becomes unreadable meanwhile.
/// Every action, allowed or denied, is audited.
/// </summary>
public sealed class KeyAdministration(IKeyStore keys, SchemeCatalog schemes, AuditLog audit, IServiceScopeFactory scopes, TimeProvider clock)
{
    public const int DefaultBatchSize = 50;
    private const string Master = "master";

    /// <summary>An upload that took the old master key just before a rotation is stored a little later; a later pass catches it.</summary>
    private static readonly TimeSpan LateUploadWindow = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _rewrapping = new(1, 1);

    /// <exception cref="UnauthorizedAccessException">The user is not an administrator.</exception>
    public async Task<IReadOnlyList<KeySummary>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        string actor = await audit.DemandAdminAsync(user, "keys.list", "keys", "keys", cancellationToken);
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        List<KeySummary> list = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.AsNoTracking()
            .Select(k => new KeySummary(k.Id, k.Purpose, k.CreatedAt, k.CreatedBy, k.Active))
            .ToListAsync(cancellationToken);
        await audit.RecordAsync(actor, "keys.list", "keys", AuditOutcome.Succeeded, $"{list.Count} keys", cancellationToken);

        // Sorted here: SQLite cannot order by a DateTimeOffset.
        return [.. list.OrderBy(k => k.Purpose, StringComparer.Ordinal).ThenByDescending(k => k.CreatedAt)];
    }

    /// <summary>A new active key for the scheme; studies made under the previous one name it and still open.</summary>
    /// <exception cref="ArgumentException">An unknown scheme.</exception>
    public async Task<string> CreateSchemeKeyAsync(ClaimsPrincipal user, string schemeId, CancellationToken cancellationToken)
    {
        string actor = await audit.DemandAdminAsync(user, "key.create", $"scheme/{schemeId}", "keys", cancellationToken);
        if (!schemes.TryGet(schemeId, out ImageProtectionScheme? scheme))
        {
            await audit.RecordAsync(actor, "key.create", $"scheme/{schemeId}", AuditOutcome.Failed, "unknown scheme", cancellationToken);
            throw new ArgumentException($"Unknown protection scheme '{schemeId}'. Known schemes: {string.Join(", ", schemes.All.Select(s => s.Id))}.", nameof(schemeId));
        }

        string id = await keys.RotateSchemeKeyAsync(scheme.Id, actor, cancellationToken);
        await audit.RecordAsync(actor, "key.create", $"key/{id}", AuditOutcome.Succeeded, $"new active key for {scheme.Id}; earlier keys stay readable", cancellationToken);
        return id;
    }

    /// <summary>Makes a new master key, then re-wraps every sealed original onto it.</summary>
    /// <param name="onBatch">Called after each committed batch with the running totals (a page's progress).</param>
    public async Task<RewrapReport> RotateMasterKeyAsync(
        ClaimsPrincipal user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        string actor = await audit.DemandAdminAsync(user, "key.master.rotate", "keys/master", "keys", cancellationToken);
        string? retired;
        await using (AsyncServiceScope scope = scopes.CreateAsyncScope())
        {
            retired = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Keys.AsNoTracking()
                .Where(k => k.Purpose == Master && k.Active).Select(k => k.Id).SingleOrDefaultAsync(cancellationToken);
        }

        MasterKey next = await keys.RotateMasterKeyAsync(actor, cancellationToken);
        await audit.RecordAsync(actor, "key.master.rotate", $"key/{next.Id}", AuditOutcome.Succeeded, $"replaces {retired ?? "no key"}", cancellationToken);
        RewrapReport report = await RewrapCoreAsync(actor, next, onBatch, batchSize, cancellationToken);
        return report with { RetiredMasterKeyId = retired };
    }

    /// <summary>Re-wraps whatever is not under the current master key yet: finishes an interrupted rotation.</summary>
    public async Task<RewrapReport> RewrapAsync(
        ClaimsPrincipal user, Action<RewrapReport>? onBatch = null, int batchSize = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        string actor = await audit.DemandAdminAsync(user, "key.master.rewrap", "keys/master", "keys", cancellationToken);
        return await RewrapCoreAsync(actor, await keys.CurrentMasterKeyAsync(cancellationToken), onBatch, batchSize, cancellationToken);
    }

    private async Task<RewrapReport> RewrapCoreAsync(string actor, MasterKey current, Action<RewrapReport>? onBatch, int batchSize, CancellationToken cancellationToken)
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
                List<Guid> ids = await StudyIdsAsync(since, cancellationToken);
                ids.RemoveAll(id => !seen.Add(id));
                if (ids.Count == 0)
                {
                    break;
                }

                foreach (Guid[] batch in ids.Chunk(batchSize))
                {
                    (int rewrapped, int alreadyCurrent) = await RewrapBatchAsync(batch, current, failed, cancellationToken);
                    report = report with
                    {
                        Examined = report.Examined + batch.Length,
                        Rewrapped = report.Rewrapped + rewrapped,
                        AlreadyCurrent = report.AlreadyCurrent + alreadyCurrent,
                        Failed = [.. failed],
                    };
                    onBatch?.Invoke(report);
                }

                since = passStarted - LateUploadWindow;
            }
        }
        catch (OperationCanceledException)
        {
            await audit.RecordAsync(actor, "key.master.rewrap", $"key/{current.Id}", AuditOutcome.Failed,
                $"cancelled after {report.Rewrapped} re-wrapped; run it again to finish", CancellationToken.None);
            throw;
        }
        finally
        {
            _rewrapping.Release();
        }

        string detail = $"{report.Examined} examined, {report.Rewrapped} re-wrapped, {report.AlreadyCurrent} already current, {failed.Count} failed"
            + (failed.Count > 0 ? ": " + string.Join(", ", failed.Take(20)) : "");
        await audit.RecordAsync(actor, "key.master.rewrap", $"key/{current.Id}", failed.Count == 0 ? AuditOutcome.Succeeded : AuditOutcome.Failed, detail, cancellationToken);
        return report;
    }

    private async Task<List<Guid>> StudyIdsAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        var studies = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.AsNoTracking()
            .Select(s => new { s.Id, s.CreatedAt }).ToListAsync(cancellationToken);

        // Filtered here: SQLite cannot compare DateTimeOffsets in a query; ids and times are small beside the envelopes.
        return [.. studies.Where(s => since is null || s.CreatedAt >= since).Select(s => s.Id)];
    }

    /// <summary>
    /// One batch in one transaction. Each new envelope is opened with the study's context before it is written, so a
    /// damaged envelope is reported and left as it was rather than replaced by one that does not open either.
    /// </summary>
    private async Task<(int Rewrapped, int AlreadyCurrent)> RewrapBatchAsync(Guid[] batch, MasterKey current, List<Guid> failed, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.Studies.AsNoTracking().Where(s => batch.Contains(s.Id)).Select(s => new { s.Id, s.SealedOriginal }).ToListAsync(cancellationToken);
        int rewrapped = 0, alreadyCurrent = 0;
        foreach (var row in rows)
        {
            byte[] next;
            try
            {
                string keyId = EnvelopeCipher.ReadMasterKeyId(row.SealedOriginal);
                if (keyId == current.Id)
                {
                    alreadyCurrent++;
                    continue;
                }

                MasterKey old = await keys.MasterKeyAsync(keyId, cancellationToken);
                next = EnvelopeCipher.Rewrap(row.SealedOriginal, old, current);
                EnvelopeCipher.Open(next, StudyAnalyser.OriginalContext(row.Id), current); // throws rather than store what would not open
            }
            catch (Exception e) when (e is EnvelopeException or KeyNotFoundException)
            {
                failed.Add(row.Id);
                continue;
            }

            await db.Studies.Where(s => s.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.SealedOriginal, next), cancellationToken);
            rewrapped++;
        }

        await transaction.CommitAsync(cancellationToken);
        return (rewrapped, alreadyCurrent);
    }
}

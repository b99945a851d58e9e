using System.Security.Claims;
using System.Text.Json;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;
using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Keys;
using MedCrypt.Inference.Classification;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedCrypt.Portal.Studies;

/// <summary>
/// The portal's side of a study: who may do what, the keys, storing the analysis in one transaction and auditing
/// every step. The analysis itself is the Domain's <see cref="StudyAnalyser"/>.
/// </summary>
public sealed class StudyWorkflow(
    StudyAnalyser analyser,
    SchemeCatalog schemes,
    IKeyStore keys,
    AuditLog audit,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    StudyFeed feed)
{
    public const int MaxUploadBytes = 20 * 1024 * 1024;

    /// <exception cref="UnauthorizedAccessException">The user may not analyse (auditors may not).</exception>
    /// <exception cref="ImageRejectedException">The file is not a usable PNG or JPEG.</exception>
    /// <exception cref="ArgumentException">An unknown scheme or model.</exception>
    public async Task<StudyRecord> AnalyseAsync(ClaimsPrincipal user, string fileName, ReadOnlyMemory<byte> upload, string schemeId, CancellationToken cancellationToken)
    {
        string actor = Actor(user);
        string name = SafeName(fileName);
        if (!(user.IsInRole(Roles.Staff) || user.IsInRole(Roles.Doctor) || user.IsInRole(Roles.Admin)))
        {
            await audit.RecordAsync(actor, "study.upload", name, AuditOutcome.Denied, "role may not upload", cancellationToken);
            throw new UnauthorizedAccessException("Only staff, doctors and administrators may upload scans.");
        }

        ImageProtectionScheme scheme = schemes.Get(schemeId);
        (string keyId, SecretKey key) = await keys.ActiveSchemeKeyAsync(scheme.Id, cancellationToken);
        MasterKey master = await keys.CurrentMasterKeyAsync(cancellationToken);
        var id = Guid.NewGuid();
        StudyAnalysis analysis;
        try
        {
            analysis = await analyser.AnalyseAsync(id, upload, scheme.Id, key, keyId, master, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is ImageRejectedException or InferenceNotPermittedException)
        {
            await audit.RecordAsync(actor, "study.upload", name, AuditOutcome.Denied, e.Message, cancellationToken);
            throw;
        }

        var study = new StudyRecord
        {
            Id = id,
            CreatedAt = clock.GetUtcNow(),
            UploadedBy = actor,
            FileName = name,
            SchemeId = scheme.Id,
            SchemeKeyId = keyId,
            ProtectedNonce = analysis.ProtectedNonce,
            SealedProtected = analysis.SealedProtected,
            SealedOriginal = analysis.SealedOriginal,
            OriginalWidth = analysis.OriginalWidth,
            OriginalHeight = analysis.OriginalHeight,
            DecryptedForInference = analysis.DecryptedForInference,
            Predictions = [.. analysis.Diagnosis.Models.Append(analysis.Diagnosis.Ensemble).Select(p => Record(id, p))],
        };
        MasterKey sealedUnder = master;
        string decrypted = analysis.DecryptedForInference ? ", decrypted for inference" : "";
        using AnalysisStep commit = AnalysisTelemetry.Shared.StartStage(AnalysisStages.Commit, scheme.Id); // the commit stage's time and outcome
        await audit.RecordAsync(actor, "study.analysed", $"study/{id:D}", AuditOutcome.Succeeded,
            $"{scheme.Id}{decrypted}; ensemble: {analysis.Diagnosis.Ensemble.Label}, P(tumor) {analysis.Diagnosis.Ensemble.TumorProbability:F3}",
            async (entry, ct) =>
            {
                // A master-key rotation may have re-wrapped the stored originals while this one was analysed: it is
                // stored under the key that is current now, so a rotation leaves none behind under a retired key.
                MasterKey current = await keys.CurrentMasterKeyAsync(ct);
                if (current.Id != sealedUnder.Id)
                {
                    study.SealedOriginal = EnvelopeCipher.Rewrap(study.SealedOriginal, sealedUnder, current);
                    study.SealedProtected = EnvelopeCipher.Rewrap(study.SealedProtected, sealedUnder, current);
                    sealedUnder = current; // this callback runs again if another writer took the audit sequence number
                }

                // The study, its predictions and its audit entry in one transaction, all or nothing. On PostgreSQL the
                // other portal instances are told in it too: NOTIFY is delivered when, and only if, it commits.
                await using AsyncServiceScope scope = scopes.CreateAsyncScope();
                PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(ct);
                db.Studies.Add(study);
                db.AuditRecords.Add(AuditRecord.From(entry));
                await db.SaveWithAuditEntryAsync(entry, ct);
                if (db.Database.IsNpgsql())
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_notify({PostgresStudyListener.Channel}, {id.ToString("D")})", ct);
                }

                await transaction.CommitAsync(ct);
            },
            cancellationToken);
        commit.Complete();
        feed.Publish(id);
        return study;
    }

    public async Task<StudyRecord?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies
            .AsNoTracking().Include(s => s.Predictions).SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    /// <summary>The original as PNG, for doctors only; every attempt is audited.</summary>
    /// <exception cref="UnauthorizedAccessException">The user is not a doctor.</exception>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    /// <exception cref="EnvelopeException">The sealed original was altered.</exception>
    public Task<byte[]> OpenOriginalAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        OpenAuditedAsync(user, id, "original.view", user.IsInRole(Roles.Doctor), "Only doctors may see the original image.", UnsealOriginalAsync, cancellationToken);

    /// <summary>The protected image as PNG, for the roles that work with images (not auditors); every attempt is audited.</summary>
    /// <exception cref="UnauthorizedAccessException">The user is not staff, a doctor or an administrator.</exception>
    /// <exception cref="KeyNotFoundException">No such study.</exception>
    /// <exception cref="EnvelopeException">The sealed image was altered, or its nonce, scheme or scheme key changed in the database.</exception>
    public Task<byte[]> OpenProtectedAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        OpenAuditedAsync(user, id, "protected.view", user.IsInRole(Roles.Staff) || user.IsInRole(Roles.Doctor) || user.IsInRole(Roles.Admin),
            "Only staff, doctors and administrators may see protected images.", UnsealProtectedAsync, cancellationToken);

    /// <summary>One audit entry for every attempt, whatever its end: denied, no such study, a payload that does not open, or shown.</summary>
    private async Task<byte[]> OpenAuditedAsync(
        ClaimsPrincipal user, Guid id, string action, bool allowed, string denial, Func<StudyRecord, CancellationToken, Task<byte[]>> unseal, CancellationToken cancellationToken)
    {
        string actor = Actor(user);
        string subject = $"study/{id:D}";
        if (!allowed)
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Denied, denial, cancellationToken);
            throw new UnauthorizedAccessException(denial);
        }

        if (await FindAsync(id, cancellationToken) is not { } study)
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Failed, "no such study", cancellationToken);
            throw new KeyNotFoundException($"No study {id}.");
        }

        byte[] png;
        try
        {
            png = await unseal(study, cancellationToken);
        }
        catch (Exception e) when (e is EnvelopeException or KeyNotFoundException)
        {
            await audit.RecordAsync(actor, action, subject, AuditOutcome.Failed, e.Message, cancellationToken);
            throw new EnvelopeException($"The stored image of study {id} does not open: {e.Message}", e);
        }

        await audit.RecordAsync(actor, action, subject, AuditOutcome.Succeeded, "", cancellationToken);
        return png;
    }

    /// <summary>The original's PNG, for callers that have checked the role and audit the access themselves.</summary>
    internal async Task<byte[]> UnsealOriginalAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        MasterKey master = await keys.MasterKeyAsync(EnvelopeCipher.ReadMasterKeyId(study.SealedOriginal), cancellationToken);
        return EnvelopeCipher.Open(study.SealedOriginal, StudyAnalyser.OriginalContext(study.Id), master);
    }

    /// <summary>The protected image's PNG, for callers that have checked the role and audit the access themselves.</summary>
    internal async Task<byte[]> UnsealProtectedAsync(StudyRecord study, CancellationToken cancellationToken)
    {
        MasterKey master = await keys.MasterKeyAsync(EnvelopeCipher.ReadMasterKeyId(study.SealedProtected), cancellationToken);
        return EnvelopeCipher.Open(study.SealedProtected, StudyAnalyser.ProtectedContext(study.Id, study.SchemeId, study.SchemeKeyId, study.ProtectedNonce), master);
    }

    private static PredictionRecord Record(Guid studyId, ModelPrediction p) => new()
    {
        StudyId = studyId,
        Model = p.Model,
        Label = p.Label,
        TumorProbability = p.TumorProbability,
        Probabilities = JsonSerializer.Serialize(p.Probabilities),
        LatencyMilliseconds = p.Latency.TotalMilliseconds,
        Device = p.Device,
    };

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>A display name only: no folders, no control characters, at most 128 characters.</summary>
    internal static string SafeName(string fileName)
    {
        string name = Path.GetFileName(fileName.Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        return name.Length == 0 ? "upload" : name.Length > 128 ? name[..128] : name;
    }
}

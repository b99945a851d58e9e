using System.Net;
using System.Text.Json;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Protected images as stored: encrypted by default, sealed at rest, refused — never shown — when the database was
/// altered, and sealed on start-up where an earlier version left them in the clear.
/// </summary>
public sealed class ProtectedImageStorageTests
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47];

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_upload_without_a_scheme_is_encrypted_afresh_and_sealed_at_rest(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        string first = await UploadWithoutSchemeAsync(staff, ct);
        string second = await UploadWithoutSchemeAsync(staff, ct);

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        foreach (StudyRecord study in await db.Studies.AsNoTracking().ToListAsync(ct))
        {
            Assert.Equal("pixel-shuffle", study.SchemeId);
            Assert.False(study.SealedProtected.AsSpan().StartsWith(PngSignature), "the protected image is stored in the clear");
            Assert.Equal(16, study.ProtectedNonce.Length);
        }

        // The same slice twice: two different protected images (a fresh map each time).
        byte[] a = await staff.GetByteArrayAsync($"/api/v1/studies/{first}/image/protected", ct);
        byte[] b = await staff.GetByteArrayAsync($"/api/v1/studies/{second}/image/protected", ct);
        Assert.True(a.AsSpan().StartsWith(PngSignature));
        Assert.NotEqual(a, b);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_changed_nonce_scheme_key_or_sealed_image_is_refused_with_a_problem_and_audited(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string[] ids = [await UploadWithoutSchemeAsync(staff, ct), await UploadWithoutSchemeAsync(staff, ct), await UploadWithoutSchemeAsync(staff, ct), await UploadWithoutSchemeAsync(staff, ct)];

        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            List<StudyRecord> studies = await db.Studies.ToListAsync(ct);
            StudyRecord nonce = studies.Single(s => s.Id == Guid.Parse(ids[0]));
            nonce.ProtectedNonce = [.. nonce.ProtectedNonce];
            nonce.ProtectedNonce[0] ^= 1; // would "decrypt" into a wrong map
            studies.Single(s => s.Id == Guid.Parse(ids[1])).SchemeId = "block";
            StudyRecord payload = studies.Single(s => s.Id == Guid.Parse(ids[2]));
            payload.SealedProtected = [.. payload.SealedProtected];
            payload.SealedProtected[^1] ^= 1;
            studies.Single(s => s.Id == Guid.Parse(ids[3])).SchemeKeyId = "pixel-shuffle-another"; // would read it with another key's map
            await db.SaveChangesAsync(ct);
        }

        foreach (string id in ids)
        {
            HttpResponseMessage response = await staff.GetAsync($"/api/v1/studies/{id}/image/protected", ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.Conflict);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await using AsyncServiceScope check = factory.Services.CreateAsyncScope();
        Assert.Equal(4, await check.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .CountAsync(r => r.Action == "protected.view" && r.Outcome == AuditOutcome.Failed, ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_protected_image_an_earlier_version_stored_in_the_clear_is_sealed_at_the_first_start(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string id = await UploadWithoutSchemeAsync(staff, ct);
        byte[] png = await staff.GetByteArrayAsync($"/api/v1/studies/{id}/image/protected", ct);

        // The database as the earlier version left it: the schema before the seal, the PNG in the clear, no record in
        // the audit log that the seal ran (a whole chain without it), and no audit anchor (that version had none).
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.GetService<IMigrator>().MigrateAsync("OneActiveKeyPerPurpose", cancellationToken: ct);
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Studies" SET "ProtectedPng" = {0} WHERE "Id" = {1}""", [png, Guid.Parse(id)], ct);
        }

        await AuditTrail.RewriteAsync(factory, log => [.. log.Where(e => e.Action != SealClearProtectedImages.Action)], ct);
        foreach (string file in factory.AuditAnchorFiles)
        {
            File.Delete(file);
        }

        using var upgraded = new PortalFactory(factory);
        HttpClient again = await Api.SignedInAsync(upgraded, "staff@medcrypt.local");
        Assert.Equal(png, await again.GetByteArrayAsync($"/api/v1/studies/{id}/image/protected", ct));
        await using AsyncServiceScope after = upgraded.Services.CreateAsyncScope();
        byte[] stored = await after.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.Where(s => s.Id == Guid.Parse(id)).Select(s => s.SealedProtected).SingleAsync(ct);
        Assert.False(stored.AsSpan().StartsWith(PngSignature));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_clear_image_written_into_the_database_later_stays_refused_after_a_restart(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string id = await UploadWithoutSchemeAsync(staff, ct);
        byte[] forged = TestStudies.Scan(); // a plausible picture of the insider's choosing
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.Where(s => s.Id == Guid.Parse(id))
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.SealedProtected, forged), ct);
        }

        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/studies/{id}/image/protected", ct), HttpStatusCode.Conflict);
        using var restarted = new PortalFactory(factory);
        HttpClient again = await Api.SignedInAsync(restarted, "staff@medcrypt.local");
        await Api.AssertProblemAsync(await again.GetAsync($"/api/v1/studies/{id}/image/protected", ct), HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Every_attempt_on_an_image_is_audited_whatever_its_end(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        HttpClient doctor = await Api.SignedInAsync(factory, "doctor@medcrypt.local");
        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        string id = await UploadWithoutSchemeAsync(staff, ct);
        string unknown = Guid.NewGuid().ToString("D");

        Assert.Equal(HttpStatusCode.OK, (await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct)).StatusCode);
        await Api.AssertProblemAsync(await auditor.GetAsync($"/api/v1/studies/{id}/image/protected", ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await doctor.GetAsync($"/api/v1/studies/{unknown}/image/original", ct), HttpStatusCode.NotFound);
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            StudyRecord study = await db.Studies.SingleAsync(s => s.Id == Guid.Parse(id), ct);
            study.SealedOriginal = [.. study.SealedOriginal];
            study.SealedOriginal[^1] ^= 1;
            await db.SaveChangesAsync(ct);
        }

        await Api.AssertProblemAsync(await doctor.GetAsync($"/api/v1/studies/{id}/image/original", ct), HttpStatusCode.Conflict);

        string[] trail = [.. (await AuditTrail.ReadAsync(factory, ct)).Where(e => e.Contains(".view ", StringComparison.Ordinal))];
        Assert.Equal(
        [
            "doctor@medcrypt.local original.view Succeeded",
            "auditor@medcrypt.local protected.view Denied",
            "doctor@medcrypt.local original.view Failed", // no such study
            "doctor@medcrypt.local original.view Failed", // does not open
        ], trail);
    }

    private static async Task<string> UploadWithoutSchemeAsync(HttpClient client, CancellationToken ct)
    {
        var file = new ByteArrayContent(TestStudies.Scan());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        var form = new MultipartFormDataContent { { file, "file", "scan.png" } }; // no scheme field: the default applies
        HttpResponseMessage created = await client.PostAsync("/api/v1/studies", form, ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        Assert.Equal("pixel-shuffle", body.RootElement.GetProperty("scheme").GetString());
        return body.RootElement.GetProperty("id").GetString()!;
    }
}

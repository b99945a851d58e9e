using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Analysing, storing and opening studies through the real portal services, on SQLite and PostgreSQL.</summary>
public sealed class AnalyseStudyTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Staff_analyse_a_scan_and_only_doctors_open_its_original(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);
        byte[] upload = Scan();

        StudyDetails study = await studies.AnalyseAsync(TestStudies.User("staff@medcrypt.local", Roles.Staff), "../../etc/scan\u0001.png", upload, "block", ct);

        StudyDetails stored = (await studies.FindAsync(study.Id, ct))!;
        Assert.Equal("scan.png", stored.FileName);
        Assert.Equal(["tiny-a", "tiny-b", "ensemble"], stored.Predictions.Select(p => p.Model));
        Assert.False(stored.DecryptedForInference);

        await Assert.ThrowsAsync<AccessDeniedException>(() => studies.OpenOriginalAsync(TestStudies.User("staff@medcrypt.local", Roles.Staff), study.Id, ct));
        byte[] original = await studies.OpenOriginalAsync(TestStudies.User("doctor@medcrypt.local", Roles.Doctor), study.Id, ct);
        var codec = new ImageCodec();
        Assert.Equal(codec.Decode(upload, PixelFormat.Gray8).Pixels.ToArray(), codec.Decode(original, PixelFormat.Gray8).Pixels.ToArray());

        string[] trail = await AuditTrail(factory, ct);
        Assert.Contains("staff@medcrypt.local study.analysed Succeeded", trail);
        Assert.Contains("staff@medcrypt.local original.view Denied", trail);
        Assert.Contains("doctor@medcrypt.local original.view Succeeded", trail);
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_rejected_upload_or_a_forbidden_role_leaves_no_study_behind(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient studies = TestStudies.For(factory);

        await Assert.ThrowsAsync<ImageRejectedException>(() => studies.AnalyseAsync(TestStudies.User("staff@medcrypt.local", Roles.Staff), "x.png", "<html/>"u8.ToArray(), "block", ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => studies.AnalyseAsync(TestStudies.User("auditor@medcrypt.local", Roles.Auditor), "x.png", Scan(), "block", ct));
        await Assert.ThrowsAsync<RejectedInputException>(() => studies.AnalyseAsync(TestStudies.User("staff@medcrypt.local", Roles.Staff), "x.png", Scan(), "rot13", ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Studies.AnyAsync(ct));
        string[] trail = await AuditTrail(factory, ct);
        Assert.Contains("staff@medcrypt.local study.upload Denied", trail);
        Assert.Contains("auditor@medcrypt.local study.upload Denied", trail);
    }

    private static async Task<string[]> AuditTrail(PortalFactory factory, CancellationToken ct)
    {
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        return [.. await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .OrderBy(r => r.Sequence).Select(r => r.Actor + " " + r.Action + " " + r.Outcome.ToString()).ToListAsync(ct)];
    }


    private static byte[] Scan()
    {
        var image = new PixelImage(80, 64, PixelFormat.Gray8);
        for (int y = 0; y < 64; y++)
        {
            for (int x = 0; x < 80; x++)
            {
                double u = (x - 40) / 32.0, v = (y - 32) / 28.0;
                image.Row(y)[x] = (byte)((u * u) + (v * v) <= 1 ? 70 + ((x + (2 * y)) % 90) : 0);
            }
        }

        return new ImageCodec().EncodePng(image);
    }
}

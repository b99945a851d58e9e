using System.Net;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Sign-ins are audited, auditors (and admins) read the log, others may not, and tampering is found.</summary>
public sealed class AuditLogTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Sign_ins_are_audited_and_only_auditors_and_admins_read_the_log(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(staff, "staff@medcrypt.local", "wrong-password");
        await FormSignIn.SignInAsync(staff, "staff@medcrypt.local", PortalFactory.DemoPassword);

        HttpResponseMessage denied = await staff.GetAsync("/audit", ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/denied", denied.Headers.Location?.OriginalString);

        HttpClient auditor = factory.CreateClient(new() { AllowAutoRedirect = false });
        await FormSignIn.SignInAsync(auditor, "auditor@medcrypt.local", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("/audit", ct)).StatusCode);
        // The prerendered page reads nothing: its grid loads (and records audit.view) once, in the interactive render.
        SearchAuditLog search = factory.Services.GetRequiredService<SearchAuditLog>();
        Assert.Empty((await search.RunAsync(TestStudies.Auditor.ToActor(), new AuditFilter(Actor: "auditor@medcrypt.local", Action: SearchAuditLog.Action), 1, 10, ct)).Items);
        AuditPage refused = await search.RunAsync(
            TestStudies.User("auditor@medcrypt.local", Roles.Auditor).ToActor(), new AuditFilter(Actor: "staff@medcrypt.local", Outcome: AuditOutcome.Denied), 1, 10, ct);
        Assert.Contains(refused.Items, e => e.Action == "sign-in" && e.Detail.Contains("wrong email or password", StringComparison.Ordinal));

        AuditLog audit = factory.Services.GetRequiredService<AuditLog>();
        Assert.Null(await audit.VerifyAsync(ct));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_entry_edited_in_the_database_is_reported(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = factory.Services.GetRequiredService<AuditLog>();
        for (int i = 0; i < 4; i++)
        {
            await audit.RecordAsync($"user{i}@medcrypt.local", "study.analysed", $"study/{i}", AuditOutcome.Succeeded, cancellationToken: ct);
        }

        Assert.Null(await audit.VerifyAsync(ct));
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            AuditRecord third = await db.AuditRecords.SingleAsync(r => r.Sequence == 3, ct);
            third.Actor = "nobody@medcrypt.local";
            await db.SaveChangesAsync(ct);
        }

        Assert.Equal(3, (await audit.VerifyAsync(ct))?.Sequence);
    }

    [Fact]
    public async Task Two_instances_writing_at_once_extend_one_unbroken_chain_on_postgres()
    {
        using PortalFactory a = PortalFactory.Create("Postgres");
        _ = a.Services; // instance A creates and migrates the database
        using var b = new PortalFactory(a);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog first = a.Services.GetRequiredService<AuditLog>(), second = b.Services.GetRequiredService<AuditLog>();
        const int each = 30;

        // Each instance serialises its own appends; between the two, only the database's unique sequence decides.
        await Task.WhenAll(Enumerable.Range(0, each).SelectMany(i => new[]
        {
            first.RecordAsync("a@medcrypt.local", "test.race", $"a/{i}", AuditOutcome.Succeeded, cancellationToken: ct),
            second.RecordAsync("b@medcrypt.local", "test.race", $"b/{i}", AuditOutcome.Succeeded, cancellationToken: ct),
        }));

        Assert.Null(await first.VerifyAsync(ct));
        await using AsyncServiceScope scope = a.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        List<string> subjects = await db.AuditRecords.Where(r => r.Action == "test.race").Select(r => r.Subject).ToListAsync(ct);
        Assert.Equal(2 * each, subjects.Distinct().Count());
        Assert.Equal(2 * each, subjects.Count);
    }
}

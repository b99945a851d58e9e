using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The Domain's audit-log search through the portal's EF port, on both databases: filtered in the store, refusals audited once.</summary>
public sealed class SearchAuditLogTests
{
    private static readonly Actor Auditor = TestStudies.Auditor.ToActor();

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_search_is_filtered_and_paged_newest_first_and_recorded_once(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        AuditLog audit = factory.Services.GetRequiredService<AuditLog>();
        for (int i = 0; i < 5; i++)
        {
            await audit.RecordAsync("staff@medcrypt.local", "test.search", $"study/{i}", AuditOutcome.Succeeded, cancellationToken: ct);
        }

        await audit.RecordAsync("staff@medcrypt.local", "test.search", "study/x", AuditOutcome.Denied, cancellationToken: ct);
        SearchAuditLog search = factory.Services.GetRequiredService<SearchAuditLog>();

        AuditPage page = await search.RunAsync(Auditor, new AuditFilter(Action: "test.search", Outcome: AuditOutcome.Succeeded), 2, 2, ct);

        Assert.Equal(5, page.Total);
        Assert.Equal(["study/2", "study/1"], page.Items.Select(e => e.Subject));
        AuditPage views = await search.RunAsync(Auditor, new AuditFilter(Actor: "auditor@medcrypt.local", Action: SearchAuditLog.Action), 1, 50, ct);
        Assert.Single(views.Items); // the first search; the second is recorded after it has read
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_refusal_is_audited_exactly_once_and_reads_nothing(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        SearchAuditLog search = factory.Services.GetRequiredService<SearchAuditLog>();

        AccessDeniedException denied = await Assert.ThrowsAsync<AccessDeniedException>(
            () => search.RunAsync(TestStudies.Staff.ToActor(), new AuditFilter(Action: "sign-in"), 1, 10, ct));

        Assert.Equal(Permission.ReadAudit, denied.Permission);
        AuditPage refusals = await search.RunAsync(Auditor, new AuditFilter(Actor: "staff@medcrypt.local", Action: SearchAuditLog.Action), 1, 50, ct);
        AuditEvent refusal = Assert.Single(refusals.Items);
        Assert.Equal(AuditOutcome.Denied, refusal.Outcome);
        Assert.Contains("action=sign-in", refusal.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    [InlineData(1, SearchAuditLog.MaxPageSize + 1)]
    public async Task A_bad_page_is_rejected_input(int page, int pageSize)
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        await Assert.ThrowsAsync<RejectedInputException>(() => factory.Services.GetRequiredService<SearchAuditLog>()
            .RunAsync(Auditor, new AuditFilter(), page, pageSize, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_is_rejected_input()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        DateTimeOffset day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        await Assert.ThrowsAsync<RejectedInputException>(() => factory.Services.GetRequiredService<SearchAuditLog>()
            .RunAsync(Auditor, new AuditFilter(From: day, To: day.AddDays(-1)), 1, 10, TestContext.Current.CancellationToken));
    }
}

using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.History;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The prediction history on studies analysed through the workflow, on SQLite and PostgreSQL: filters, totals, pages, order, audit.</summary>
public sealed class PredictionHistoryTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Filters_pages_and_totals_match_the_stored_predictions(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyDetails first = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block", "a.png", seed: 1);
        StudyDetails second = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "median", "b.png", seed: 2);
        StudyDetails third = await TestStudies.AnalyseAsync(factory, TestStudies.Doctor, "block", "c.png", seed: 3);
        QueryPredictionHistory history = factory.Services.GetRequiredService<QueryPredictionHistory>();
        ClaimsPrincipal auditor = TestStudies.Auditor;
        List<PredictionRecord> all;
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            all = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Predictions.ToListAsync(ct);
        }

        Assert.Equal(9, all.Count);
        async Task<PredictionPage> Query(HistoryFilter filter, int page = 1, int size = 50) => await history.RunAsync(auditor.ToActor(), filter, page, size, ct);

        PredictionPage everything = await Query(new HistoryFilter());
        Assert.Equal(9, everything.Total);
        Assert.Equal(all.Select(p => p.Id).OrderDescending(), everything.Items.Select(r => r.Id)); // newest first
        Assert.Equal(3, (await Query(new HistoryFilter { Model = "ensemble" })).Total);
        Assert.Equal(3, (await Query(new HistoryFilter { Uploader = "doctor@" })).Total);
        Assert.All((await Query(new HistoryFilter { Uploader = "doctor@" })).Items, r => Assert.Equal(third.Id, r.StudyId));
        Assert.Equal(3, (await Query(new HistoryFilter { Scheme = "median" })).Total);
        Assert.Equal(0, (await Query(new HistoryFilter { DecryptedForInference = true })).Total);
        Assert.Equal(9, (await Query(new HistoryFilter { DecryptedForInference = false })).Total);

        string label = all[0].Label;
        Assert.Equal(all.Count(p => p.Label == label), (await Query(new HistoryFilter { Label = label })).Total);
        double threshold = all.Select(p => p.TumorProbability).Order().ElementAt(4);
        PredictionPage likely = await Query(new HistoryFilter { MinTumorProbability = threshold });
        Assert.Equal(all.Count(p => p.TumorProbability >= threshold), likely.Total);
        Assert.All(likely.Items, r => Assert.True(r.TumorProbability >= threshold));
        Assert.Equal(1, (await Query(new HistoryFilter { Model = "ensemble", Scheme = "block", Uploader = "staff@" })).Total);

        // Time: whole days and instants (SQLite compares its text timestamps through julianday()).
        DateTimeOffset today = new(DateTime.UtcNow.Date, TimeSpan.Zero);
        Assert.Equal(9, (await Query(new HistoryFilter { From = today, To = today.AddDays(1) })).Total);
        Assert.Equal(0, (await Query(new HistoryFilter { From = today.AddDays(1) })).Total);
        Assert.Equal(0, (await Query(new HistoryFilter { To = today.AddDays(-1) })).Total);
        PredictionPage laterOnes = await Query(new HistoryFilter { From = second.CreatedAt });
        Assert.Equal(new[] { second.Id, third.Id }.Order(), laterOnes.Items.Select(r => r.StudyId).Distinct().Order());
        PredictionPage earlier = await Query(new HistoryFilter { To = second.CreatedAt });
        Assert.Equal([first.Id], earlier.Items.Select(r => r.StudyId).Distinct());

        // Pages: no row twice, none missing, the total on every page.
        var seen = new List<long>();
        for (int page = 1; page <= 3; page++)
        {
            PredictionPage p = await Query(new HistoryFilter(), page, 4);
            Assert.Equal(9, p.Total);
            Assert.Equal(page < 3 ? 4 : 1, p.Items.Count);
            seen.AddRange(p.Items.Select(r => r.Id));
        }

        Assert.Equal(all.Select(p => p.Id).Order(), seen.Order());
        Assert.Empty((await Query(new HistoryFilter(), 4, 4)).Items);

        PredictionPage byProbability = await Query(new HistoryFilter { Sort = HistorySort.TumorProbability, Descending = false });
        Assert.Equal(byProbability.Items.Select(r => r.TumorProbability).Order(), byProbability.Items.Select(r => r.TumorProbability));
        PredictionPage byUploader = await Query(new HistoryFilter { Sort = HistorySort.Uploader, Descending = true });
        Assert.Equal("staff@medcrypt.local", byUploader.Items[0].UploadedBy);

        await Assert.ThrowsAsync<Domain.Failures.RejectedInputException>(() => Query(new HistoryFilter(), 1, QueryPredictionHistory.MaxPageSize + 1));
        await Assert.ThrowsAsync<Domain.Failures.RejectedInputException>(() => Query(new HistoryFilter { From = today, To = today })); // the use case's own rule, not only the query string's
        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            int views = await db.AuditRecords.CountAsync(r => r.Action == "history.view" && r.Actor == "auditor@medcrypt.local" && r.Outcome == AuditOutcome.Succeeded, ct);
            Assert.Equal(21, views); // one per query, not one per row
            Assert.Equal(2, await db.AuditRecords.CountAsync(r => r.Action == "history.view" && r.Actor == "auditor@medcrypt.local" && r.Outcome == AuditOutcome.Denied, ct)); // the refused queries too
        }
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Someone_without_a_role_is_refused_and_recorded(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        QueryPredictionHistory history = factory.Services.GetRequiredService<QueryPredictionHistory>();
        ClaimsPrincipal nobody = TestStudies.User("nobody@medcrypt.local");

        await Assert.ThrowsAsync<Domain.Failures.AccessDeniedException>(() => history.RunAsync(nobody.ToActor(), new HistoryFilter(), 1, 10, ct));
        await Assert.ThrowsAsync<Domain.Failures.AccessDeniedException>(() => factory.Services.GetRequiredService<ExportPredictionHistory>().RunAsync(nobody.ToActor(), new HistoryFilter(), new StringWriter(), ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .CountAsync(r => r.Actor == "nobody@medcrypt.local" && r.Outcome == Domain.Auditing.AuditOutcome.Denied, ct));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Domain.History;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The history and the dashboard at study level, on SQLite and PostgreSQL: a series is one row whose figures cover
/// all of its slices (whatever filter found it), its verdict the slice with the highest P(tumor); its id drills down
/// to its slices' predictions; the API, the CSV and the dashboard count it once.
/// </summary>
public sealed class StudyHistoryTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_series_is_one_row_over_all_its_slices_and_drills_down_to_them(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyDetails single = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block", "single.png", seed: 1);
        SeriesDetails series = await TestStudies.For(factory).AnalyseSeriesAsync(TestStudies.Staff,
            [new("s1.png", TestStudies.Scan(11)), new("s2.png", TestStudies.Scan(12)), new("s3.png", TestStudies.Scan(13))], "block", ct);
        StudyDetails other = await TestStudies.AnalyseAsync(factory, TestStudies.Doctor, "median", "other.png", seed: 2);
        QueryPredictionHistory history = factory.Services.GetRequiredService<QueryPredictionHistory>();
        async Task<StudyPage> Studies(HistoryFilter filter, int page = 1, int size = 50) => await history.StudiesAsync(TestStudies.Auditor.ToActor(), filter, page, size, ct);

        StudyPage all = await Studies(new HistoryFilter());
        Assert.Equal(3, all.Total);
        Assert.Equal([other.Id, series.Id, single.Id], all.Items.Select(r => r.Id)); // newest first
        StudyRow row = all.Items[1];
        StudyDetails driver = series.Verdict;
        Assert.True(row.IsSeries);
        Assert.Equal(3, row.Slices);
        Assert.Equal(series.Slices.Count(s => s.Verdict!.Tumor), row.TumorSlices);
        Assert.Equal(series.Tumor, row.Tumor);
        Assert.Equal(driver.Verdict!.TumorProbability, row.TumorProbability, 9);
        Assert.Equal(driver.Id, row.ShownStudyId);
        Assert.Equal(driver.Series!.Index, row.SliceIndex);
        Assert.Equal(driver.FileName, row.FileName);
        Assert.Equal("ensemble", row.Model);
        StudyRow alone = all.Items[2];
        Assert.False(alone.IsSeries);
        Assert.Equal((1, null, single.Id, single.Verdict!.TumorProbability), (alone.Slices, alone.SliceIndex, alone.ShownStudyId, alone.TumorProbability));
        Assert.Equal(single.Verdict.Tumor, alone.Tumor);

        // A filter that only one slice meets finds the series, and its figures still cover every slice.
        StudyPage byDriver = await Studies(new HistoryFilter { MinTumorProbability = driver.Verdict.TumorProbability, Uploader = "staff@" });
        StudyRow found = Assert.Single(byDriver.Items, r => r.Id == series.Id);
        Assert.Equal(3, found.Slices);
        Assert.Equal([other.Id], (await Studies(new HistoryFilter { Uploader = "doctor@" })).Items.Select(r => r.Id));
        Assert.All((await Studies(new HistoryFilter { Model = "tiny-a" })).Items, r => Assert.Equal("tiny-a", r.Model));
        Assert.Equal(3, (await Studies(new HistoryFilter { Model = "tiny-a" })).Total);

        // Ordered by the highest P(tumor), and paged without repeats.
        StudyPage byProbability = await Studies(new HistoryFilter { Sort = HistorySort.TumorProbability });
        Assert.Equal(byProbability.Items.Select(r => r.TumorProbability).OrderDescending(), byProbability.Items.Select(r => r.TumorProbability));
        StudyPage first = await Studies(new HistoryFilter(), 1, 2), second = await Studies(new HistoryFilter(), 2, 2);
        Assert.Equal(all.Items.Select(r => r.Id), first.Items.Concat(second.Items).Select(r => r.Id));

        // Drill-down: a series' id gives every model's reading of each of its slices; a single image's, its own.
        PredictionPage slices = await history.RunAsync(TestStudies.Auditor.ToActor(), new HistoryFilter { Study = series.Id }, 1, 50, ct);
        Assert.Equal(9, slices.Total);
        Assert.Equal(series.Slices.Select(s => s.Id).Order(), slices.Items.Select(r => r.StudyId).Distinct().Order());
        Assert.All(slices.Items, r => Assert.Equal(series.Id, r.SeriesId));
        PredictionPage own = await history.RunAsync(TestStudies.Auditor.ToActor(), new HistoryFilter { Study = single.Id }, 1, 50, ct);
        Assert.Equal(3, own.Total);
        Assert.All(own.Items, r => Assert.Equal(single.Id, r.StudyId));
        Assert.Equal(0, (await history.RunAsync(TestStudies.Auditor.ToActor(), new HistoryFilter { Study = Guid.NewGuid() }, 1, 50, ct)).Total);

        // The dashboard counts the series once.
        DashboardSnapshot today = await factory.Services.GetRequiredService<ViewDashboard>().RunAsync(TestStudies.Auditor.ToActor(), audited: true, ct);
        Assert.Equal((3, 3), (today.StudiesToday, today.AnalysedToday));
        Assert.Equal(new[] { single, other }.Count(s => s.Verdict!.Tumor) + (series.Tumor ? 1 : 0), today.TumorsToday);
        Assert.Equal([other.Id, driver.Id, single.Id], today.Recent.Select(r => r.ShownStudyId));
        Assert.Contains(await AuditTrail.ReadAsync(factory, ct), t => t == "auditor@medcrypt.local history.view Succeeded");
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task The_api_and_the_csv_give_studies_and_refuse_bad_levels_and_ids(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        SeriesDetails series = await TestStudies.For(factory).AnalyseSeriesAsync(TestStudies.Staff,
            [new("=cmd|a.png", TestStudies.Scan(21)), new("=cmd|b.png", TestStudies.Scan(22))], "block", ct);
        StudyDetails single = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block", "one.png", seed: 3);
        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");

        JsonElement page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/predictions?level=study", ct);
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        JsonElement row = page.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == series.Id);
        Assert.Equal(2, row.GetProperty("slices").GetInt32());
        Assert.True(row.GetProperty("isSeries").GetBoolean());
        Assert.Equal(series.Verdict.Id, row.GetProperty("shownStudyId").GetGuid());
        Assert.Equal(series.Tumor, row.GetProperty("tumor").GetBoolean());
        JsonElement drilled = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/predictions?study={series.Id:D}", ct);
        Assert.Equal(6, drilled.GetProperty("total").GetInt32());
        double threshold = drilled.GetProperty("items").EnumerateArray()
            .Single(p => p.GetProperty("studyId").GetGuid() == series.Verdict.Id && p.GetProperty("model").GetString() == "ensemble").GetProperty("tumorThreshold").GetDouble();
        Assert.Equal(threshold, row.GetProperty("tumorThreshold").GetDouble()); // the point the row's verdict was decided at

        List<string[]> csv = Rfc4180.Parse(await auditor.GetStringAsync("/api/v1/predictions.csv?level=study&order=asc", ct));
        Assert.Equal(["study_id", "series", "created_at_utc", "uploaded_by", "file_name", "scheme", "decrypted_for_inference", "model",
            "slices", "tumor_slices", "tumor", "max_tumor_probability", "max_slice", "max_slice_study_id", "tumor_threshold"], csv[0]);
        Assert.Equal(threshold.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture), csv[1][14]);
        Assert.Equal([series.Id.ToString("D"), single.Id.ToString("D")], csv.Skip(1).Select(r => r[0]));
        Assert.Equal(("true", "2", series.Verdict.Series!.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), series.Verdict.Id.ToString("D")),
            (csv[1][1], csv[1][8], csv[1][12], csv[1][13]));
        Assert.Equal(("false", "1", ""), (csv[2][1], csv[2][8], csv[2][12]));
        Assert.StartsWith("'=cmd|", csv[1][4]); // a file name is never a formula

        HttpResponseMessage badLevel = await auditor.GetAsync("/api/v1/predictions?level=series", ct);
        await Api.AssertProblemAsync(badLevel, HttpStatusCode.BadRequest);
        Assert.Contains("level", await badLevel.Content.ReadAsStringAsync(ct));
        await Api.AssertProblemAsync(await auditor.GetAsync("/api/v1/predictions?study=not-an-id", ct), HttpStatusCode.BadRequest);
        await Api.AssertProblemAsync(await auditor.GetAsync("/api/v1/predictions.csv?level=1", ct), HttpStatusCode.BadRequest);
    }
}

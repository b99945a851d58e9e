using MedCrypt.Domain.History;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The CSV export: RFC 4180 quoting that round-trips, and no cell a spreadsheet would run as a formula.</summary>
public sealed class CsvExportTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("line\nfeed", "\"line\nfeed\"")]
    [InlineData("", "")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("a=b", "a=b")]
    public void Text_fields_are_quoted_and_neutralised(string value, string expected) =>
        Assert.Equal(expected, CsvFormat.Field(value));

    [Fact]
    public void Numbers_keep_their_sign_and_use_the_invariant_culture()
    {
        Assert.Equal("-0.25", CsvFormat.Field(-0.25, "0.##"));
        Assert.Equal("1234.5", CsvFormat.Field(1234.5, "0.###"));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task An_export_round_trips_and_defuses_a_hostile_file_name(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        const string hostile = "=HYPERLINK(\"evil.example\",\"a,b\").png";
        StudyDetails study = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block", hostile);
        await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "median", "plain.png", seed: 4);
        var csv = new StringWriter();

        int rows = await factory.Services.GetRequiredService<ExportPredictionHistory>().RunAsync(TestStudies.Auditor.ToActor(), new HistoryFilter { Scheme = "block" }, csv, ct);

        Assert.Equal(3, rows);
        Assert.EndsWith("\r\n", csv.ToString());
        List<string[]> records = Rfc4180.Parse(csv.ToString());
        Assert.Equal(4, records.Count);
        Assert.Equal("prediction_id", records[0][0]);
        Assert.All(records, r => Assert.Equal(16, r.Length));
        Assert.Equal("tumor", records[0][9]);
        Assert.All(records.Skip(1), r => Assert.Contains(r[9], new[] { "true", "false" }));
        Assert.All(records.Skip(1), r =>
        {
            Assert.Equal(study.Id.ToString("D"), r[1]);
            Assert.Equal("'" + hostile, r[4]); // shown as text, never evaluated
            Assert.Equal("block", r[5]);
        });
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.CountAsync(r => r.Action == "history.export", ct));
    }
}

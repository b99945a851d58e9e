using MedCrypt.Crypto.Metrics;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>The viewer's extras: security metrics for doctors only (audited like the original), heat maps for clinical roles.</summary>
public sealed class ExplainAndMeasureTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Doctors_measure_a_protected_image_against_its_original_and_nobody_else_does(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient insights = TestStudies.For(factory);
        StudyDetails study = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block");

        SecurityReport report = await insights.MeasureAsync(TestStudies.Doctor, study.Id, ct);

        // Block scrambling moves values inside each 4×4 block: many bytes change, the histogram (entropy) does not.
        Assert.InRange(report.Npcr, 50, 100);
        Assert.InRange(report.Uaci, 1, 100);
        Assert.InRange(report.Entropy, 0.5, 8);
        Assert.InRange(report.HorizontalCorrelation, -1, 1);
        await Assert.ThrowsAsync<AccessDeniedException>(() => insights.MeasureAsync(TestStudies.Staff, study.Id, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => insights.MeasureAsync(TestStudies.Auditor, study.Id, ct));
        await Assert.ThrowsAsync<NotFoundException>(() => insights.MeasureAsync(TestStudies.Doctor, Guid.NewGuid(), ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        string[] trail = [.. await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .Where(r => r.Action == "original.metrics").OrderBy(r => r.Sequence).Select(r => r.Actor + " " + r.Outcome.ToString()).ToListAsync(ct)];
        // Every attempt is one entry, the one on a study that does not exist too.
        Assert.Equal(["doctor@medcrypt.local Succeeded", "staff@medcrypt.local Denied", "auditor@medcrypt.local Denied", "doctor@medcrypt.local Failed"], trail);
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Staff_get_a_heat_map_the_size_of_the_protected_image_and_auditors_do_not(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        StudyClient insights = TestStudies.For(factory);
        StudyDetails block = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "block");
        StudyDetails median = await TestStudies.AnalyseAsync(factory, TestStudies.Staff, "median", seed: 5);

        Explanation map = await insights.ExplainAsync(TestStudies.Staff, block.Id, null, ct);
        Explanation other = await insights.ExplainAsync(TestStudies.Doctor, median.Id, "tiny-b", ct);

        var codec = new ImageCodec(minSide: 1);
        var protectedImage = codec.Decode(await TestStudies.For(factory).OpenProtectedAsync(TestStudies.Staff, block.Id, ct), Crypto.Images.PixelFormat.Gray8);
        var heat = codec.Decode(map.Png, Crypto.Images.PixelFormat.Rgb24);
        Assert.Equal((protectedImage.Width, protectedImage.Height), (heat.Width, heat.Height));
        Assert.Equal("tiny-a", map.Model);
        Assert.Equal("tiny-b", other.Model);
        await Assert.ThrowsAsync<AccessDeniedException>(() => insights.ExplainAsync(TestStudies.Auditor, block.Id, null, ct));
        await Assert.ThrowsAsync<RejectedInputException>(() => insights.ExplainAsync(TestStudies.Staff, block.Id, "no-such-model", ct));

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords
            .CountAsync(r => r.Action == "study.explain" && r.Outcome == AuditOutcome.Succeeded, ct));
    }

    [Fact]
    public void The_heat_map_is_black_where_nothing_changes_and_white_at_the_peak()
    {
        var image = HeatMapImage.Render(new Inference.Classification.OcclusionMap(2, [0f, 1f, 0.5f, 0f], "m", 0.9));

        Assert.Equal([0, 0, 0, 255, 255, 255], image.Pixels[..6].ToArray());
        Assert.Equal(255, image.Pixels[6]); // half way: full red, rising green
        Assert.Equal(0, image.Pixels[8]);
    }
}

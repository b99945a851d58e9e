using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Imaging;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>What is not a brain MRI slice is not screened: 422 with a machine-readable reason, audited, nothing stored.</summary>
public sealed class NotABrainSliceTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_blank_image_and_a_page_of_text_get_422_no_verdict_and_a_study_rejected_entry(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        foreach ((string name, byte[] png, string check) in new[] { ("blank.png", Blank(), "blank"), ("letter.png", TextPage(), "texture") })
        {
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", Api.Upload(png, name, "pixel-shuffle"), ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal(NotABrainSliceException.Text, problem.GetProperty("detail").GetString());
            Assert.Equal("not-a-brain-mri-slice", problem.GetProperty("reason").GetString());
            Assert.Equal(check, problem.GetProperty("check").GetString());
        }

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.False(await db.Studies.AnyAsync(ct));
        var rejected = await db.AuditRecords.Where(r => r.Action == "study.rejected").OrderBy(r => r.Sequence).ToListAsync(ct);
        Assert.Equal(["blank.png", "letter.png"], rejected.Select(r => r.Subject));
        Assert.All(rejected, r => Assert.Equal(AuditOutcome.Denied, r.Outcome));
        Assert.Contains("(blank)", rejected[0].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await db.AuditRecords.Select(r => r.Action).ToListAsync(ct), a => a == "study.analysed");
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));

        // The same portal still screens a head.
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "pixel-shuffle"), ct)).StatusCode);
    }

    private static byte[] Blank()
    {
        var image = new PixelImage(128, 128, PixelFormat.Gray8);
        image.Pixels.Fill(3);
        return new ImageCodec().EncodePng(image);
    }

    /// <summary>Dark lines of "words" on white paper.</summary>
    private static byte[] TextPage()
    {
        var image = new PixelImage(200, 260, PixelFormat.Gray8);
        image.Pixels.Fill(248);
        var random = new Random(4);
        for (int line = 12; line < 248; line += 12)
        {
            for (int x = 10; x < 190; x++)
            {
                for (int y = line; y < line + 6; y++)
                {
                    image.Row(y)[x] = random.Next(3) == 0 ? (byte)20 : (byte)248;
                }
            }
        }

        return new ImageCodec().EncodePng(image);
    }
}

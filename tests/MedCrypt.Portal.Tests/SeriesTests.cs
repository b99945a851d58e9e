using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.Portal.Data;
using MedCrypt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// A study as a series through the API: one multipart request with a <c>file</c> part per slice, every slice
/// screened, protected and sealed, all stored in one transaction with one audit entry and the series' verdict; a
/// slice that is refused refuses the series and leaves nothing; on SQLite and PostgreSQL, and a real MR series.
/// </summary>
public sealed class SeriesTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Slices_sent_in_one_request_are_one_series_with_the_verdict_of_its_highest_slice(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Series([TestStudies.Scan(1), TestStudies.Scan(2), TestStudies.Scan(3)]), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        JsonElement series = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        string id = series.GetProperty("id").GetString()!;
        Assert.Equal($"/api/v1/series/{id}", created.Headers.Location?.OriginalString);
        JsonElement[] slices = [.. series.GetProperty("slices").EnumerateArray()];
        Assert.Equal([1, 2, 3], slices.Select(s => s.GetProperty("series").GetProperty("index").GetInt32()));
        double[] probabilities = [.. slices.Select(EnsembleProbability)];
        int highest = Array.IndexOf(probabilities, probabilities.Max()) + 1;
        Assert.Equal(highest, series.GetProperty("verdictSlice").GetInt32());
        Assert.Equal(probabilities.Max(), series.GetProperty("tumorProbability").GetDouble(), 6);
        Assert.Equal(slices.Any(s => s.GetProperty("predictions").EnumerateArray().Single(p => p.GetProperty("model").GetString() == "ensemble").GetProperty("tumor").GetBoolean()),
            series.GetProperty("tumor").GetBoolean());

        // Each slice is a study of its own (its images, its audit entries); the series reads back the same.
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync($"/api/v1/studies/{slices[1].GetProperty("id").GetString()}/image/protected", ct)).StatusCode);
        JsonElement again = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/series/{id}", ct);
        Assert.Equal(slices.Select(s => s.GetProperty("id").GetString()), again.GetProperty("slices").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        await Api.AssertProblemAsync(await staff.GetAsync($"/api/v1/series/{Guid.NewGuid()}", ct), HttpStatusCode.NotFound);
        HttpClient auditor = await Api.SignedInAsync(factory, "auditor@medcrypt.local");
        await Api.AssertProblemAsync(await auditor.GetAsync($"/api/v1/series/{id}", ct), HttpStatusCode.Forbidden);

        // The history's CSV names each slice's series and place: one row a model a slice, grouped by series_id.
        List<string[]> csv = Rfc4180.Parse(await staff.GetStringAsync("/api/v1/predictions.csv?model=ensemble", ct));
        int seriesColumn = Array.IndexOf(csv[0], "series_id"), sliceColumn = Array.IndexOf(csv[0], "slice");
        Assert.Equal(3, csv.Skip(1).Count(r => r[seriesColumn] == id));
        Assert.Equal(["1", "2", "3"], csv.Skip(1).Where(r => r[seriesColumn] == id).Select(r => r[sliceColumn]).Order(StringComparer.Ordinal));

        string[] trail = await AuditTrail.ReadAsync(factory, ct);
        Assert.Single(trail, t => t == "staff@medcrypt.local series.analysed Succeeded");
        Assert.DoesNotContain(trail, t => t.Contains("study.analysed", StringComparison.Ordinal)); // one entry for the series, not one a slice
        Assert.Contains("auditor@medcrypt.local series.open Denied", trail);
        Assert.Equal(3, await TestStudies.CountAsync(factory));
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_slice_that_is_not_a_brain_is_not_screened_and_one_that_cannot_be_read_refuses_the_series(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        var image = new PixelImage(128, 128, PixelFormat.Gray8);
        image.Pixels.Fill(3);
        byte[] blank = new ImageCodec().EncodePng(image); // not a brain slice, as a skull cap or the neck at a series' ends

        HttpResponseMessage gated = await staff.PostAsync("/api/v1/studies", Series([TestStudies.Scan(1), blank, TestStudies.Scan(3)]), ct);
        Assert.Equal(HttpStatusCode.Created, gated.StatusCode);
        JsonElement series = await gated.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal([1, 3], series.GetProperty("slices").EnumerateArray().Select(s => s.GetProperty("series").GetProperty("index").GetInt32()));
        Assert.Equal([2], series.GetProperty("notScreenedSlices").EnumerateArray().Select(i => i.GetInt32())); // which one was not read
        Assert.Equal(2, await TestStudies.CountAsync(factory));

        foreach (byte[][] files in new[] { new[] { TestStudies.Scan(1), [1, 2, 3] }, [blank, blank] })
        {
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", Series(files), ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            Assert.Contains("nothing of", (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(2, await TestStudies.CountAsync(factory)); // the refused series left nothing
        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<PortalDbContext>().AuditRecords.CountAsync(r => r.Action == "series.upload" && r.Outcome == Domain.Auditing.AuditOutcome.Denied, ct));
    }

    [Fact]
    public async Task Files_of_several_patients_or_dicom_mixed_with_images_are_not_one_series()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        byte[] jane = TestDicom.Head("Doe^Jane", "MRN-1"), john = TestDicom.Head("Roe^John", "MRN-2");

        byte[] nobody = TestDicom.Head("", ""); // no Patient ID: a study of its own, never another patient's slice
        foreach ((byte[][] files, string why) in new[] { (new[] { jane, john }, "2 different patients"), (new[] { jane, TestStudies.Scan(1) }, "mixes DICOM files with PNG or JPEG"), (new[] { jane, nobody }, "some name none") })
        {
            var form = new MultipartFormDataContent { { new StringContent("pixel-shuffle"), "scheme" } };
            foreach (byte[] file in files)
            {
                form.Add(new ByteArrayContent(file), "file", "slice");
            }

            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", form, ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            Assert.Contains(why, (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await TestStudies.CountAsync(factory));
        HttpResponseMessage one = await staff.PostAsync("/api/v1/studies", Series([jane, TestDicom.Head("Doe^Jane", "MRN-1")]), ct);
        Assert.Equal(HttpStatusCode.Created, one.StatusCode); // one patient's two files are one series
    }

    [Fact]
    public async Task A_real_MR_series_is_one_series_under_one_pseudonym_and_neutral_names()
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string[] files = [.. Directory.GetFiles(Path.Combine(DicomSamples.Folder, "series", "siemens_avanto_t1ce_ax_partial"), "*.dcm").Order(StringComparer.Ordinal)];
        var form = new MultipartFormDataContent();
        foreach (string file in files)
        {
            var part = new ByteArrayContent(await File.ReadAllBytesAsync(file, ct));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            form.Add(part, "file", Path.GetFileName(file));
        }

        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", form, ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(ct));
        JsonElement[] slices = [.. (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("slices").EnumerateArray()];
        Assert.Equal(files.Length, slices.Length);
        Assert.Single(slices.Select(s => s.GetProperty("patientPseudonym").GetString()).Distinct());
        Assert.All(slices, s => Assert.Matches("^dicom-mr-[0-9a-f]{8}\\.dcm$", s.GetProperty("fileName").GetString()!));
    }

    [Fact]
    public async Task The_study_page_of_a_slice_shows_its_place_in_the_series_and_the_series_verdict()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        JsonElement series = await (await staff.PostAsync("/api/v1/studies", Series([TestStudies.Scan(1), TestStudies.Scan(2)]), ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        string second = series.GetProperty("slices")[1].GetProperty("id").GetString()!;

        HttpClient pages = factory.CreateClient();
        await FormSignIn.SignInAsync(pages, "staff@medcrypt.local", PortalFactory.DemoPassword);
        string page = await pages.GetStringAsync($"/studies/{second}", ct);
        Assert.Contains("Slice 2 of 2", page, StringComparison.Ordinal);
        Assert.Contains("highest P(tumor)", page, StringComparison.Ordinal);
    }

    private static double EnsembleProbability(JsonElement study) =>
        study.GetProperty("predictions").EnumerateArray().Single(p => p.GetProperty("model").GetString() == "ensemble").GetProperty("tumorProbability").GetDouble();

    private static MultipartFormDataContent Series(IEnumerable<byte[]> slices)
    {
        var form = new MultipartFormDataContent { { new StringContent("block"), "scheme" } };
        int i = 0;
        foreach (byte[] slice in slices)
        {
            var part = new ByteArrayContent(slice);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "file", $"slice-{++i}.png");
        }

        return form;
    }
}

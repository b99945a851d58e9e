using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedCrypt.Portal.Data;
using MedCrypt.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// The PACS: a real Orthanc (the test command starts one), a modality played by DCMTK's storescu sending real MR
/// series (their UIDs made new for each test, so tests share one Orthanc without seeing each other's series), the
/// portal's importer following Orthanc's change feed, and the result written back into the same study as a
/// Structured Report that DCMTK's dsrdump reads. Taken in once across restarts and a rewound feed; an unreachable
/// PACS leaves the portal working and /health saying so.
/// </summary>
public sealed class PacsTests(ITestOutputHelper output)
{
    private static readonly string? Url = Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC");
    private static readonly string SkipReason = "No Orthanc: the README's test command starts one (MEDCRYPT_TEST_ORTHANC), and the DICOM samples (../shared/datasets/dicom-samples) are needed.";

    [Fact]
    public async Task A_series_a_modality_sends_is_taken_in_once_across_restarts_and_its_result_is_back_in_the_study()
    {
        Assert.SkipWhen(Url is null || !DicomSamples.Present, SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using PortalFactory owner = PortalFactory.Create(PortalFactory.PostgresServer is null ? "Sqlite" : "Postgres"); // the database and key files; never started itself
        using HttpClient pacs = Pacs();
        (string folder, string seriesUid) = Copy(Path.Combine(DicomSamples.Folder, "series", "siemens_avanto_t1ce_ax_partial"));
        string study;
        using (PortalFactory first = await ImportingAsync(owner, ct))
        {
            string[] sent = await SendAsync(folder, ct);
            var stored = Stopwatch.StartNew();
            study = await StudyOfAsync(pacs, sent[0], ct);
            string report = await ReportAsync(pacs, study, TimeSpan.FromSeconds(120), ct);
            output.WriteLine($"C-STORE done to the report in Orthanc: {stored.Elapsed.TotalSeconds:F1} s for {sent.Length} slices (Orthanc's StableAge 1 s, polled every 0.2 s)");
            Assert.Contains("MedCrypt AI screening, not a diagnosis", await ReportTextAsync(pacs, report, ct), StringComparison.Ordinal);
            Assert.Equal(sent.Length, await SlicesOfAsync(first, seriesUid, ct));
            Assert.Contains("system (pacs import) series.analysed Succeeded", await AuditTrail.ReadAsync(first, ct));
            string dump = await RunAsync("dsrdump", await DownloadAsync(pacs, report, ct), ct);
            Assert.Contains("Diagnostic imaging report", dump, StringComparison.Ordinal);
            Assert.Contains("IMAGE", dump, StringComparison.Ordinal);
            await AssertCitesTheSeriesAsync(pacs, report, seriesUid, sent, ct);
        }

        // Sent while no portal runs: taken in after the restart, nothing skipped.
        (string laterFolder, string laterUid) = Copy(Path.Combine(DicomSamples.Folder, "series", "siemens_avanto_t1ce_ax_partial"));
        string laterStudy = await StudyOfAsync(pacs, (await SendAsync(laterFolder, ct))[0], ct);
        using (PortalFactory second = await ImportingAsync(owner, ct))
        {
            await ReportAsync(pacs, laterStudy, TimeSpan.FromSeconds(120), ct);
            Assert.Equal(3, await SlicesOfAsync(second, laterUid, ct));
        }

        // Rewound to the feed's beginning and restarted: the first series is not taken twice, and gets no second report.
        await using (AsyncServiceScope scope = owner.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsCursors.ExecuteUpdateAsync(c => c.SetProperty(r => r.LastChange, 0L), ct);
        }

        using (PortalFactory third = await ImportingAsync(owner, ct))
        {
            long last = await LastChangeAsync(pacs, ct);
            await WaitAsync(async () => await CursorAsync(third, ct) >= last, TimeSpan.FromSeconds(180), ct);
            Assert.Equal(3, await SlicesOfAsync(third, seriesUid, ct));
            Assert.Single(await SrInstancesAsync(pacs, study, ct));
        }
    }

    [Fact]
    public async Task Slices_from_a_shared_collection_wrapped_as_MR_by_img2dcm_are_screened_from_the_PACS_too()
    {
        string jpegs = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "datasets", "brain-tumor-mri", "glioma"));
        Assert.SkipWhen(Url is null || !Directory.Exists(jpegs) || !File.Exists("/usr/bin/img2dcm"), SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using PortalFactory owner = PortalFactory.Create("Sqlite");
        using HttpClient pacs = Pacs();
        using PortalFactory portal = await ImportingAsync(owner, ct);
        string folder = Directory.CreateTempSubdirectory("medcrypt-img2dcm-").FullName;
        string series = DicomUid(), studyUid = DicomUid();
        string[] files = [.. Directory.EnumerateFiles(jpegs, "*.jpg").Order(StringComparer.Ordinal).Take(4)];
        for (int i = 0; i < files.Length; i++)
        {
            // The collection's JPEGs are stored as colour; a modality's MR is grayscale (MedCrypt refuses colour DICOM).
            string gray = Path.Combine(folder, $"{i + 1}.jpg");
            await RunAsync("/usr/bin/python3", $"-c \"import sys; from PIL import Image; Image.open(sys.argv[1]).convert('L').save(sys.argv[2], quality=95)\" {files[i]} {gray}", ct);
            await RunAsync("img2dcm", $"{gray} {folder}/{i + 1}.dcm -k Modality=MR -k StudyInstanceUID={studyUid} -k SeriesInstanceUID={series} -k InstanceNumber={i + 1} -k PatientName=Test^Glioma -k PatientID=PACS-TEST-1", ct);
        }

        string[] sent = await SendAsync(folder, ct, "-xy"); // img2dcm keeps the JPEG as it is: propose JPEG baseline
        string study = await StudyOfAsync(pacs, sent[0], ct);
        string report = await ReportTextAsync(pacs, await ReportAsync(pacs, study, TimeSpan.FromSeconds(120), ct), ct);
        output.WriteLine(report);
        Assert.Contains("not a diagnosis", report, StringComparison.Ordinal);
        Assert.Equal(files.Length, await SlicesOfAsync(portal, series, ct));
    }

    [Fact]
    public async Task A_150_slice_series_goes_from_storescu_to_its_report_and_the_rate_is_measured()
    {
        Assert.SkipWhen(Url is null || !DicomSamples.Present, SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using PortalFactory owner = PortalFactory.Create("Sqlite");
        using HttpClient pacs = Pacs();
        // The shipped models, not the tests' small ones: the rate is the product's.
        using PortalFactory portal = await ImportingAsync(owner, ct, Path.Combine(RepositoryRoot.Path, "models", "models.json"));
        (string folder, string seriesUid) = Copy(Path.Combine(DicomSamples.Folder, "series", "ge_mr750_epi_fmri_ax"));
        var clock = Stopwatch.StartNew();
        string[] sent = await SendAsync(folder, ct);
        TimeSpan store = clock.Elapsed;
        string study = await StudyOfAsync(pacs, sent[0], ct);
        string report = await ReportTextAsync(pacs, await ReportAsync(pacs, study, TimeSpan.FromMinutes(8), ct), ct);
        TimeSpan done = clock.Elapsed;
        int screened = await SlicesOfAsync(portal, seriesUid, ct);
        output.WriteLine($"{sent.Length} slices: C-STORE {store.TotalSeconds:F1} s; C-STORE start to the report in Orthanc {done.TotalSeconds:F1} s; " +
            $"{sent.Length / (done - store).TotalSeconds:F1} slices/s from the end of the C-STORE; {screened} screened. {report}");
        Assert.Contains("MedCrypt AI screening", report, StringComparison.Ordinal);
        Assert.True(screened > 0, report);
    }

    [Fact]
    public async Task A_reset_PACS_feed_is_read_again_images_arriving_late_are_reported_and_a_multi_frame_volume_is_screened_frame_by_frame()
    {
        Assert.SkipWhen(Url is null || !DicomSamples.Present, SkipReason);
        CancellationToken ct = TestContext.Current.CancellationToken;
        using PortalFactory owner = PortalFactory.Create("Sqlite");
        using HttpClient pacs = Pacs();
        using PortalFactory portal = await ImportingAsync(owner, ct);

        // The portal's place is far past the feed's end, as after an Orthanc reset: it reads the feed again.
        await using (AsyncServiceScope scope = portal.Services.CreateAsyncScope())
        {
            long ahead = await LastChangeAsync(pacs, ct) + 100_000;
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsCursors.ExecuteUpdateAsync(c => c.SetProperty(r => r.LastChange, ahead), ct);
        }

        (string folder, string seriesUid) = Copy(Path.Combine(DicomSamples.Folder, "series", "siemens_avanto_t1ce_ax_partial"));
        string late = Directory.CreateTempSubdirectory("medcrypt-late-").FullName;
        string last = Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal).Last();
        File.Move(last, Path.Combine(late, Path.GetFileName(last)));
        string[] sent = await SendAsync(folder, ct);
        string study = await StudyOfAsync(pacs, sent[0], ct);
        await ReportAsync(pacs, study, TimeSpan.FromSeconds(180), ct);
        Assert.Equal(2, await SlicesOfAsync(portal, seriesUid, ct));

        // A third image after the series was stable: not screened, and a second report says so.
        await SendAsync(late, ct);
        string[] reports = [];
        await WaitAsync(async () => (reports = await SrInstancesAsync(pacs, study, ct)).Length == 2, TimeSpan.FromSeconds(60), ct);
        string[] texts = [.. await Task.WhenAll(reports.Select(r => ReportTextAsync(pacs, r, ct)))];
        Assert.Contains(texts, t => t.Contains("1 slices (images, or frames of a multi-frame image) arrived in the PACS after this series was screened", StringComparison.Ordinal));
        Assert.Equal(2, await SlicesOfAsync(portal, seriesUid, ct));

        // An enhanced multi-frame MR (one file, 96 frames): every frame a slice of the series, each screened.
        (string multi, _) = Copy(Path.Combine(DicomSamples.Folder, "series", "siemens_prismafit_xa30_t1w_enhanced"));
        string multiStudy = await StudyOfAsync(pacs, (await SendAsync(multi, ct))[0], ct);
        string text = await ReportTextAsync(pacs, await ReportAsync(pacs, multiStudy, TimeSpan.FromSeconds(120), ct), ct);
        output.WriteLine(text);
        Assert.DoesNotContain("PARTIAL", text, StringComparison.Ordinal);
        Assert.Contains(" of 96; ", text, StringComparison.Ordinal);
        Assert.Contains("each frame was read as a slice", text, StringComparison.Ordinal);
        JsonElement inferred = (await pacs.GetFromJsonAsync<JsonElement>($"instances/{await ReportAsync(pacs, multiStudy, TimeSpan.FromSeconds(1), ct)}/tags?simplify", ct))
            .GetProperty("ContentSequence")[0].GetProperty("ContentSequence")[0].GetProperty("ReferencedSOPSequence")[0];
        Assert.Equal(System.Text.RegularExpressions.Regex.Match(text, @"at slice (\d+) of").Groups[1].Value, inferred.GetProperty("ReferencedFrameNumber").GetString()); // the frame that drove it
    }

    [Fact]
    public async Task An_unreachable_PACS_leaves_the_portal_working_and_health_says_so()
    {
        using PortalFactory portal = PortalFactory.Create("Sqlite");
        portal.Settings["Pacs:Url"] = $"http://127.0.0.1:{FreePort()}/"; // nothing listens there
        portal.Settings["Pacs:PollInterval"] = "00:00:00.2";
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct)).StatusCode);
        HttpClient admin = await Api.SignedInAsync(portal, "admin@medcrypt.local");
        string health = "";
        await WaitAsync(async () => (health = await admin.GetStringAsync("/health", ct)).Contains("cannot be followed", StringComparison.Ordinal), TimeSpan.FromSeconds(30), ct);
        Assert.Contains("\"pacs\"", health, StringComparison.Ordinal);
    }

    /// <summary>A portal on the owner's database that follows the test Orthanc, once its importer has found its place in the feed.</summary>
    private static async Task<PortalFactory> ImportingAsync(PortalFactory owner, CancellationToken ct, string? manifest = null)
    {
        var portal = new PortalFactory(owner);
        if (manifest is not null)
        {
            portal.Settings["Inference:Manifest"] = manifest;
        }

        portal.Settings["Pacs:Url"] = Url!.TrimEnd('/') + "/";
        portal.Settings["Pacs:Username"] = Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC_USER") ?? "";
        portal.Settings["Pacs:Password"] = Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC_PASSWORD") ?? "";
        portal.Settings["Pacs:PollInterval"] = "00:00:00.2";
        await WaitAsync(async () =>
        {
            await using AsyncServiceScope scope = portal.Services.CreateAsyncScope(); // starts the portal and its importer
            return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsCursors.AnyAsync(ct);
        }, TimeSpan.FromSeconds(60), ct);
        return portal;
    }

    /// <summary>How many slices the portal holds of the PACS series with this UID (found by its import key, as the importer makes it).</summary>
    private static async Task<int> SlicesOfAsync(PortalFactory portal, string seriesUid, CancellationToken ct)
    {
        Domain.Keys.IKeyStore keys = portal.Services.GetRequiredService<Domain.Keys.IKeyStore>();
        string key = Domain.Imaging.Dicom.PatientPseudonym.Of(await keys.PatientPseudonymKeyAsync(ct), $"pacs-series/{seriesUid}");
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Guid? series = await db.PacsImports.Where(r => r.Key == key).Select(r => (Guid?)r.SeriesId).SingleOrDefaultAsync(ct);
        return series is null ? 0 : await db.Studies.CountAsync(s => s.SeriesId == series, ct);
    }

    private static HttpClient Pacs()
    {
        var http = new HttpClient { BaseAddress = new Uri(Url!.TrimEnd('/') + "/") };
        string credentials = $"{Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC_USER")}:{Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC_PASSWORD")}";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return http;
    }

    /// <summary>A copy of the series with a new study and series UID for all its files and new instance UIDs (dcmodify), so each test's series is its own.</summary>
    private static (string Folder, string SeriesUid) Copy(string series)
    {
        string folder = Directory.CreateTempSubdirectory("medcrypt-series-").FullName;
        foreach (string file in Directory.GetFiles(series, "*.dcm"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        string seriesUid = DicomUid();
        RunAsync("dcmodify", $"-nb -gin -m (0020,000d)={DicomUid()} -m (0020,000e)={seriesUid} {string.Join(' ', Directory.GetFiles(folder))}", CancellationToken.None).GetAwaiter().GetResult();
        return (folder, seriesUid);
    }

    /// <summary>storescu as the modality: every file of the folder to Orthanc over DICOM; returns their SOP Instance UIDs.</summary>
    private static async Task<string[]> SendAsync(string folder, CancellationToken ct, string options = "")
    {
        string[] files = [.. Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal)];
        string target = Environment.GetEnvironmentVariable("MEDCRYPT_TEST_ORTHANC_DICOM")!; // AET@host:port
        string aet = target[..target.IndexOf('@')];
        string host = target[(target.IndexOf('@') + 1)..target.LastIndexOf(':')];
        string port = target[(target.LastIndexOf(':') + 1)..];
        await RunAsync("storescu", $"{options} -aec {aet} {host} {port} {string.Join(' ', files)}", ct);
        string dump = await RunAsync("dcmdump", $"+P SOPInstanceUID {string.Join(' ', files)}", ct);
        return [.. dump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('[')).Select(l => l[(l.IndexOf('[') + 1)..l.IndexOf(']')])];
    }

    private static async Task<string> StudyOfAsync(HttpClient pacs, string sopInstanceUid, CancellationToken ct)
    {
        JsonElement found = await (await pacs.PostAsync("tools/lookup", new StringContent(sopInstanceUid), ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        string instance = found.EnumerateArray().Single().GetProperty("ID").GetString()!;
        return (await pacs.GetFromJsonAsync<JsonElement>($"instances/{instance}/study", ct)).GetProperty("ID").GetString()!;
    }

    private static async Task<string[]> SrInstancesAsync(HttpClient pacs, string study, CancellationToken ct)
    {
        var reports = new List<string>();
        foreach (JsonElement series in (await pacs.GetFromJsonAsync<JsonElement>($"studies/{study}/series", ct)).EnumerateArray())
        {
            if (series.GetProperty("MainDicomTags").TryGetProperty("Modality", out JsonElement modality) && modality.GetString() == "SR")
            {
                reports.AddRange(series.GetProperty("Instances").EnumerateArray().Select(i => i.GetString()!));
            }
        }

        return [.. reports];
    }

    private static async Task<string> ReportAsync(HttpClient pacs, string study, TimeSpan timeout, CancellationToken ct)
    {
        string[] reports = [];
        await WaitAsync(async () => (reports = await SrInstancesAsync(pacs, study, ct)).Length > 0, timeout, ct);
        return reports.Single();
    }

    // The raw value (Orthanc's tag listing leaves values over 256 characters out): ContentSequence, item 0, TextValue.
    private static async Task<string> ReportTextAsync(HttpClient pacs, string instance, CancellationToken ct) =>
        (await pacs.GetStringAsync($"instances/{instance}/content/0040-a730/0/0040-a160", ct)).TrimEnd('\0', ' ');

    /// <summary>
    /// The report cites every image of the series as its evidence, and infers its finding from the image of the slice
    /// that drove the verdict: the report names that slice's place, and the slices are the images in InstanceNumber order.
    /// </summary>
    private static async Task AssertCitesTheSeriesAsync(HttpClient pacs, string report, string seriesUid, string[] sent, CancellationToken ct)
    {
        JsonElement tags = await pacs.GetFromJsonAsync<JsonElement>($"instances/{report}/tags?simplify", ct);
        JsonElement evidence = tags.GetProperty("CurrentRequestedProcedureEvidenceSequence")[0];
        JsonElement cited = evidence.GetProperty("ReferencedSeriesSequence")[0];
        Assert.Equal(seriesUid, cited.GetProperty("SeriesInstanceUID").GetString());
        Assert.Equal(tags.GetProperty("StudyInstanceUID").GetString(), evidence.GetProperty("StudyInstanceUID").GetString());
        Assert.Equal(sent.Order(StringComparer.Ordinal),
            cited.GetProperty("ReferencedSOPSequence").EnumerateArray().Select(r => r.GetProperty("ReferencedSOPInstanceUID").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(cited.GetProperty("ReferencedSOPSequence").EnumerateArray(), r => Assert.Equal("1.2.840.10008.5.1.4.1.1.4", r.GetProperty("ReferencedSOPClassUID").GetString())); // MR Image Storage

        string text = await ReportTextAsync(pacs, report, ct);
        int slice = int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"at slice (\d+) of").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        JsonElement instances = await pacs.GetFromJsonAsync<JsonElement>($"series/{await SeriesIdAsync(pacs, sent[0], ct)}/instances", ct);
        string[] ordered = [.. instances.EnumerateArray().OrderBy(i => int.Parse(i.GetProperty("MainDicomTags").GetProperty("InstanceNumber").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .Select(i => i.GetProperty("MainDicomTags").GetProperty("SOPInstanceUID").GetString()!)];
        JsonElement inferred = tags.GetProperty("ContentSequence")[0].GetProperty("ContentSequence")[0];
        Assert.Equal("INFERRED FROM", inferred.GetProperty("RelationshipType").GetString());
        Assert.Equal(ordered[slice - 1], inferred.GetProperty("ReferencedSOPSequence")[0].GetProperty("ReferencedSOPInstanceUID").GetString());
    }

    private static async Task<string> SeriesIdAsync(HttpClient pacs, string sopInstanceUid, CancellationToken ct)
    {
        JsonElement found = await (await pacs.PostAsync("tools/lookup", new StringContent(sopInstanceUid), ct)).Content.ReadFromJsonAsync<JsonElement>(ct);
        string instance = found.EnumerateArray().Single().GetProperty("ID").GetString()!;
        return (await pacs.GetFromJsonAsync<JsonElement>($"instances/{instance}/series", ct)).GetProperty("ID").GetString()!;
    }

    private static async Task<string> DownloadAsync(HttpClient pacs, string instance, CancellationToken ct)
    {
        string file = Path.Combine(Path.GetTempPath(), $"medcrypt-report-{Guid.NewGuid():N}.dcm");
        await File.WriteAllBytesAsync(file, await pacs.GetByteArrayAsync($"instances/{instance}/file", ct), ct);
        return file;
    }

    private static async Task<long> LastChangeAsync(HttpClient pacs, CancellationToken ct) =>
        (await pacs.GetFromJsonAsync<JsonElement>("changes?last", ct)).GetProperty("Last").GetInt64();

    private static async Task<long> CursorAsync(PortalFactory portal, CancellationToken ct)
    {
        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().PacsCursors.Select(c => c.LastChange).SingleOrDefaultAsync(ct);
    }

    private static async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (!await done())
        {
            await Task.Delay(200, limit.Token);
        }
    }

    private static async Task<string> RunAsync(string program, string arguments, CancellationToken ct)
    {
        using Process process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string stdout = await process.StandardOutput.ReadToEndAsync(ct);
        string stderr = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{program} {arguments}: {stderr}");
        return stdout;
    }

    private static string DicomUid() => "2.25." + new System.Numerics.BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Imaging.Dicom;
using MedCrypt.Portal.Data;
using MedCrypt.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// DICOM through the real API: every sample gets a verdict (201, or a 4xx problem that says why, never a 5xx), a
/// damaged file is refused and leaves nothing, and nothing identifying from a header reaches the database, the audit
/// log, the API's answers or the logs.
/// </summary>
public sealed class DicomIngestTests(ITestOutputHelper output)
{
    private static readonly string[] Malformed = ["edge/pydicom/MR_truncated.dcm", "edge/pydicom-data/emri_small_jpeg_2k_lossless_too_short.dcm"];

    // One or two files of each source that carries identifying values (samples README), in several transfer syntaxes.
    private static readonly string[] Identifying =
    [
        "series/siemens_prisma_t1_fl2d_sag", "series/siemens_prismafit_xa30_t1w_enhanced", "series/philips_elition_t1_mprage3d_sag",
        "series/canon_galan3t_dti_ax", "series/ge_mr750_epi_fmri_ax", "series/uih_umr770_dti_ax_vframe", "series/siemens_avanto_t1ce_ax_partial",
        "edge/dcm_qa_ts", "edge/pydicom", "edge/divest",
    ];

    // Named in the samples README as kept in the headers; searched for besides what the headers themselves hold.
    private static readonly string[] Known = ["Rorden^Rorden_Prisma", "crlab", "XAtest_sub-July11", "12343@hucheng", "HFS", "stc_test", "d2n_Philips_3T_R571"];

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Every_sample_gets_a_verdict_and_no_malformed_one_a_5xx(string provider)
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        var verdicts = new Dictionary<int, int>();
        var gated = new List<string>();
        int created = 0, stored = 0, multiFrame = 0;
        foreach (string path in DicomSamples.Files())
        {
            string relative = DicomSamples.Relative(path).Replace('\\', '/');
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(await File.ReadAllBytesAsync(path, ct), Path.GetFileName(path)), ct);
            int status = (int)response.StatusCode;
            verdicts[status] = verdicts.GetValueOrDefault(status) + 1;
            if (Malformed.Contains(relative))
            {
                await Api.AssertProblemAsync(response, HttpStatusCode.BadRequest);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Created)
            {
                JsonElement study = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                Assert.Matches("^dicom-mr-[0-9a-f]{8}\\.dcm$", study.GetProperty("fileName").GetString()!);
                created++;
                if (study.GetProperty("series").ValueKind == JsonValueKind.Object)
                {
                    // A multi-frame file is a series in one file: a slice a frame, the one answered the verdict's.
                    JsonElement series = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/series/{study.GetProperty("series").GetProperty("id").GetString()}", ct);
                    int slices = series.GetProperty("slices").GetArrayLength();
                    JsonElement first = series.GetProperty("slices")[0];
                    Assert.Equal(first.GetProperty("dicom").GetProperty("frames").GetInt32(), first.GetProperty("series").GetProperty("count").GetInt32());
                    Assert.Equal(first.GetProperty("series").GetProperty("count").GetInt32(), slices + series.GetProperty("notScreened").GetInt32());
                    stored += slices;
                    multiFrame++;
                }
                else
                {
                    stored++;
                }

                continue;
            }

            // The one refusal a readable MR file may get is the brain-slice gate's (a shoulder, a slice at the skull's edge).
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{relative}: {status} {await response.Content.ReadAsStringAsync(ct)}");
            JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("not-a-brain-mri-slice", problem.GetProperty("reason").GetString());
            gated.Add($"{relative} ({problem.GetProperty("check").GetString()})");
        }

        output.WriteLine(string.Join(", ", verdicts.OrderBy(v => v.Key).Select(v => $"{v.Key}: {v.Value}")));
        output.WriteLine("refused by the brain-slice gate: " + string.Join(", ", gated));
        Assert.True(created > 850, $"only {created} of 924 samples were analysed");
        Assert.True(multiFrame >= 5, $"only {multiFrame} multi-frame files were analysed as series");
        Assert.Equal(stored, await TestStudies.CountAsync(factory));
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));
    }

    [Fact]
    public async Task What_the_header_says_is_not_one_mr_slice_is_not_screened()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        // The same MR head's pixels each time: only the header differs (an outside clinical review sent these).
        foreach ((string modality, string? imageType, string check) in new[] { ("CT", (string?)null, "modality"), ("US", null, "modality"), ("MR", "ORIGINAL\\PRIMARY\\M\\ND\\MOSAIC", "mosaic"), ("MR", "ORIGINAL\\PRIMARY\\M\\VFRAME", "mosaic"), ("MR", "original\\primary\\m\\mosaic", "mosaic"), ("", null, "modality") })
        {
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(TestDicom.Head("Doe^Jane", "MRN-1", modality, imageType), "x.dcm"), ct);
            await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            Assert.Equal("not-a-brain-mri-slice", problem.GetProperty("reason").GetString());
            Assert.Equal(check, problem.GetProperty("check").GetString());
        }

        Assert.Equal(0, await TestStudies.CountAsync(factory));
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", TestDicom.Upload(TestDicom.Head("Doe^Jane", "MRN-1", "MR", "ORIGINAL\\PRIMARY\\M\\NORM"), "x.dcm"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", TestDicom.Upload(TestDicom.Head("Doe^Jane", "MRN-1", "mr"), "x.dcm"), ct)).StatusCode); // lower case is still MR
    }

    [Fact]
    public async Task The_same_pixels_saved_with_another_window_get_the_same_verdict()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");

        // Each hospital's PACS stores its own window; before, the narrow ones here were even refused by the brain-slice gate.
        var answers = new List<string>();
        foreach ((string centre, string width) in new[] { ("128", "256"), ("60", "40"), ("600", "1200"), ("0", "1") })
        {
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(TestDicom.Head("Doe^Jane", "MRN-1", window: (centre, width)), "x.dcm"), ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            JsonElement study = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            answers.Add(string.Join(" ", study.GetProperty("predictions").EnumerateArray()
                .Select(p => $"{p.GetProperty("model").GetString()}={p.GetProperty("tumorProbability").GetDouble():R}")));
        }

        Assert.Single(answers.Distinct());
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Nothing_identifying_from_a_header_is_stored_logged_or_answered(string provider)
    {
        Assert.SkipUnless(DicomSamples.Present, DicomSamples.SkipReason);
        var logs = new CapturedLogs();
        using PortalFactory factory = PortalFactory.Create(provider);
        WebApplicationFactory<Program> portal = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs)));
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(portal, "staff@medcrypt.local");
        var answers = new StringBuilder();
        var secrets = new HashSet<string>(Known, StringComparer.Ordinal);
        var names = new Dictionary<string, HashSet<string>>();
        var ungrouped = new HashSet<string>(StringComparer.Ordinal); // folders whose files carry no real Patient ID
        var analysedIn = new Dictionary<string, int>(StringComparer.Ordinal);
        int created = 0;
        foreach (string folder in Identifying)
        {
            foreach (string path in Directory.GetFiles(Path.Combine(DicomSamples.Folder, folder), "*.dcm").Order(StringComparer.Ordinal).Take(3))
            {
                byte[] bytes = await File.ReadAllBytesAsync(path, ct);
                DicomDataset header = DicomReader.Read(bytes);
                if (PatientPseudonym.KeyOf(header.Text(DicomTag.PatientId), header.Text(DicomTag.IssuerOfPatientId)) is null)
                {
                    ungrouped.Add(folder);
                }

                string[] identifying = IdentifyingValues(bytes);
                secrets.UnionWith(identifying);
                // A hospital export's file name often is the patient's: the portal must not keep it.
                string clientName = string.Join('_', identifying.Take(2).Append(Path.GetFileName(path)));
                HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(bytes, clientName), ct);
                string body = await response.Content.ReadAsStringAsync(ct);
                answers.AppendLine(body);
                Assert.True((int)response.StatusCode < 500, $"{path}: {body}");
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    created++;
                    JsonElement study = JsonDocument.Parse(body).RootElement;
                    names.TryAdd(folder, []);
                    names[folder].Add(study.GetProperty("fileName").GetString()!);
                    analysedIn[folder] = analysedIn.GetValueOrDefault(folder) + 1;
                    HttpResponseMessage again = await staff.GetAsync($"/api/v1/studies/{study.GetProperty("id").GetString()}", ct);
                    answers.AppendLine(await again.Content.ReadAsStringAsync(ct));
                }
            }
        }

        Assert.True(created >= 15, $"only {created} samples were analysed");
        // One patient's files share a pseudonym, so a series' studies group; the name is the neutral one. Files without
        // a real Patient ID ("***", blank) are each their own patient: grouping them would make one patient of many.
        Assert.All(names.Where(n => !ungrouped.Contains(n.Key)), n => Assert.Single(n.Value));
        Assert.All(names.Where(n => ungrouped.Contains(n.Key)), n => Assert.Equal(analysedIn[n.Key], n.Value.Count));
        Assert.NotEmpty(ungrouped);
        HttpClient auditor = await Api.SignedInAsync(portal, "auditor@medcrypt.local");
        answers.AppendLine(await auditor.GetStringAsync("/api/v1/audit?pageSize=500", ct));
        answers.AppendLine(await auditor.GetStringAsync("/api/v1/predictions?pageSize=200", ct));

        await using AsyncServiceScope scope = portal.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        string audit = string.Join('\n', (await db.AuditRecords.ToListAsync(ct)).Select(r => $"{r.Actor} {r.Action} {r.Subject} {r.Detail}"));
        // Every text column of every study row (the sealed images are random bytes: their base64 would match any short value).
        string studies = string.Join('\n', (await db.Studies.ToListAsync(ct))
            .SelectMany(s => s.GetType().GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(s) as string)));
        string logText = string.Join('\n', logs.Lines);
        Assert.NotEmpty(logs.Lines);
        (string Where, string Text)[] places = [("API answers", answers.ToString()), ("audit log", audit), ("studies", studies), ("logs", logText)];
        if (provider == "Sqlite")
        {
            places = [.. places, ("SQLite text", await SqliteTextAsync(factory.ConnectionString, ct))];
        }

        secrets.RemoveWhere(s => s.Length < 3);
        output.WriteLine($"{created} studies; searched for {secrets.Count} values: {string.Join(" | ", secrets.Order(StringComparer.Ordinal).Take(8))} …");
        foreach (string secret in secrets)
        {
            // Short codes ("DEV", "HFS", "4MR1") only as a token of their own, as written: inside a word ("device") or a
            // random identifier (a token, a base64 run in a debug log) they occur by chance and say nothing.
            Regex found = secret.Length < 6
                ? new Regex($"(?<![A-Za-z0-9]){Regex.Escape(secret)}(?![A-Za-z0-9])", RegexOptions.CultureInvariant)
                : new Regex(Regex.Escape(secret), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            foreach ((string where, string text) in places)
            {
                Match match = found.Match(text);
                Assert.False(match.Success, $"'{secret}' is in the {where}: {(match.Success ? text[Math.Max(0, match.Index - 60)..Math.Min(text.Length, match.Index + 60)] : "")}");
            }
        }

        if (provider == "Sqlite")
        {
            // The database file's raw bytes too (sealed images are random bytes, so only values too long to occur by chance).
            string file = new SqliteConnectionStringBuilder(factory.ConnectionString).DataSource;
            SqliteConnection.ClearAllPools();
            byte[] raw = [.. File.ReadAllBytes(file), .. File.Exists(file + "-wal") ? File.ReadAllBytes(file + "-wal") : []];
            foreach (string secret in secrets.Where(s => s.Length >= 6))
            {
                Assert.True(raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' is in the database file");
                Assert.True(raw.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"'{secret}' is in the database file (UTF-16)");
            }
        }
    }

    [Fact]
    public async Task A_built_DICOM_head_is_analysed_under_a_neutral_name_and_its_patient_never_answered()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        byte[] file = TestDicom.Head("Doe^Jane", "MRN-778899");

        HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(file, "Doe_Jane_MRN-778899.dcm"), ct);
        string body = await response.Content.ReadAsStringAsync(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        string name = JsonDocument.Parse(body).RootElement.GetProperty("fileName").GetString()!;
        Assert.Matches("^dicom-mr-[0-9a-f]{8}\\.dcm$", name);
        Assert.DoesNotContain("Doe", body, StringComparison.Ordinal);
        Assert.DoesNotContain("778899", body, StringComparison.Ordinal);

        // The study keeps the pseudonym in full and the whitelisted header values, also when read back.
        JsonElement study = JsonDocument.Parse(body).RootElement;
        string pseudonym = study.GetProperty("patientPseudonym").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", pseudonym);
        Assert.Equal($"dicom-mr-{pseudonym[..8]}.dcm", name);
        JsonElement stored = await staff.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{study.GetProperty("id").GetString()}", ct);
        Assert.Equal(pseudonym, stored.GetProperty("patientPseudonym").GetString());
        Assert.Equal("MR", stored.GetProperty("dicom").GetProperty("modality").GetString());
        Assert.Equal(64, stored.GetProperty("dicom").GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, (await (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "pixel-shuffle"), ct))
            .Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("patientPseudonym").ValueKind);

        // The same patient again: the same pseudonym; another patient: another one.
        string same = await NameOfAsync(staff, TestDicom.Head("Doe^Jane", "MRN-778899"), ct);
        string other = await NameOfAsync(staff, TestDicom.Head("Roe^Richard", "MRN-112233"), ct);
        Assert.Equal(name, same);
        Assert.NotEqual(name, other);

        await using AsyncServiceScope scope = factory.Services.CreateAsyncScope();
        PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        List<AuditRecord> entries = await db.AuditRecords.ToListAsync(ct);
        Assert.DoesNotContain(entries, e => e.Subject.Contains("Doe", StringComparison.Ordinal) || e.Detail.Contains("778899", StringComparison.Ordinal));
        Assert.Equal(3, await db.Studies.CountAsync(s => s.FileName.StartsWith("dicom-mr-"), ct));
    }

    private static async Task<string> NameOfAsync(HttpClient client, byte[] file, CancellationToken ct)
    {
        HttpResponseMessage response = await client.PostAsync("/api/v1/studies", TestDicom.Upload(file, "x.dcm"), ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("fileName").GetString()!;
    }

    /// <summary>What a header says about who the patient is, where and by whom they were seen.</summary>
    private static string[] IdentifyingValues(byte[] file)
    {
        DicomDataset header = DicomReader.Read(file);
        uint[] tags = [0x0010_0010, 0x0010_0020, 0x0010_0030, 0x0008_0080, 0x0008_0081, 0x0008_0090, 0x0008_1070, 0x0010_1000];
        var values = tags.Select(header.Text).OfType<string>().ToList();
        string? study = header.Text(0x0008_1030);
        if (study is not null && study.Contains('^', StringComparison.Ordinal))
        {
            values.Add(study);
        }

        // Placeholders ("***", "----", a date of 00000000) say nothing about anyone and are not searched for.
        return [.. values.Where(v => v.Length >= 3 && (v.Any(char.IsLetter) || v.Any(c => c is >= '1' and <= '9'))).Distinct(StringComparer.Ordinal)];
    }

    private static async Task<string> SqliteTextAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        var tables = new List<string>();
        await using (SqliteCommand list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using SqliteDataReader reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (string table in tables)
        {
            await using SqliteCommand select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using SqliteDataReader rows = await select.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                for (int i = 0; i < rows.FieldCount; i++)
                {
                    if (rows.GetValue(i) is string value)
                    {
                        text.Append(value).Append('\n');
                    }
                }
            }
        }

        return text.ToString();
    }
}

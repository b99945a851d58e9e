using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCrypt.Portal.Pacs;

/// <summary>
/// The few calls of Orthanc's REST API the importer makes: the change feed, a series and its instances, an instance's
/// file, and a Basic Text Structured Report created inside a study (/tools/create-dicom with the study as parent, so
/// the report carries the study's own patient and study tags and shows beside its images in any viewer).
/// </summary>
internal sealed class OrthancClient(HttpClient http)
{
    public static void Configure(HttpClient http, PacsOptions options)
    {
        http.BaseAddress = options.Url;
        http.Timeout = TimeSpan.FromSeconds(30);
        if (options.Username is { Length: > 0 } user)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{options.Password}")));
        }
    }

    public async Task<ChangePage> ChangesAsync(long since, CancellationToken cancellationToken)
    {
        JsonElement page = await http.GetFromJsonAsync<JsonElement>($"changes?since={since}&limit=100", cancellationToken);
        return new ChangePage(
            [.. page.GetProperty("Changes").EnumerateArray().Select(c => new Change(c.GetProperty("Seq").GetInt64(), c.GetProperty("ChangeType").GetString()!, c.GetProperty("ID").GetString()!))],
            page.GetProperty("Last").GetInt64(),
            page.GetProperty("Done").GetBoolean());
    }

    public async Task<long> LastChangeAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JsonElement>("changes?last", cancellationToken)).GetProperty("Last").GetInt64();

    /// <summary>The series' study, its modality and UID, and its instances in InstanceNumber order (then by id).</summary>
    public async Task<OrthancSeries> SeriesAsync(string id, CancellationToken cancellationToken)
    {
        JsonElement series = await http.GetFromJsonAsync<JsonElement>($"series/{id}", cancellationToken);
        JsonElement tags = series.GetProperty("MainDicomTags");
        JsonElement instances = await http.GetFromJsonAsync<JsonElement>($"series/{id}/instances", cancellationToken);
        string[] ordered = [.. instances.EnumerateArray()
            .Select(i => (Id: i.GetProperty("ID").GetString()!, Number: i.GetProperty("MainDicomTags").TryGetProperty("InstanceNumber", out JsonElement n) && int.TryParse(n.GetString(), out int v) ? v : int.MaxValue))
            .OrderBy(i => i.Number).ThenBy(i => i.Id, StringComparer.Ordinal).Select(i => i.Id)];
        return new OrthancSeries(id, series.GetProperty("ParentStudy").GetString()!,
            tags.TryGetProperty("Modality", out JsonElement modality) ? modality.GetString() ?? "" : "",
            tags.TryGetProperty("SeriesInstanceUID", out JsonElement uid) ? uid.GetString() ?? id : id, ordered,
            tags.TryGetProperty("BodyPartExamined", out JsonElement part) ? part.GetString() : null);
    }

    public Task<byte[]> InstanceFileAsync(string id, CancellationToken cancellationToken) => http.GetByteArrayAsync($"instances/{id}/file", cancellationToken);

    /// <summary>
    /// Creates the report in the study, under the series and instance UIDs given (the same UIDs again store nothing
    /// new), or under new ones Orthanc makes when none are given.
    /// </summary>
    public async Task WriteReportAsync(string study, string text, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        var tags = new JsonObject
        {
            ["SOPClassUID"] = "1.2.840.10008.5.1.4.1.1.88.11", // Basic Text SR
            ["Modality"] = "SR",
            ["SeriesDescription"] = "MedCrypt AI screening",
            ["SeriesNumber"] = "9901",
            ["InstanceNumber"] = "1",
            ["Manufacturer"] = "MedCrypt",
            ["ValueType"] = "CONTAINER",
            ["ContinuityOfContent"] = "SEPARATE",
            ["CompletionFlag"] = "COMPLETE",
            ["VerificationFlag"] = "UNVERIFIED",
            ["ReferencedPerformedProcedureStepSequence"] = new JsonArray(),
            ["PerformedProcedureCodeSequence"] = new JsonArray(),
            ["ConceptNameCodeSequence"] = new JsonArray(Code("18748-4", "LN", "Diagnostic imaging report")),
            ["ContentSequence"] = new JsonArray(new JsonObject
            {
                ["RelationshipType"] = "CONTAINS",
                ["ValueType"] = "TEXT",
                ["ConceptNameCodeSequence"] = new JsonArray(Code("121071", "DCM", "Finding")),
                ["TextValue"] = text,
            }),
        };
        var request = new JsonObject { ["Parent"] = study, ["Tags"] = tags };
        if (seriesInstanceUid is not null && sopInstanceUid is not null)
        {
            tags["SeriesInstanceUID"] = seriesInstanceUid;
            tags["SOPInstanceUID"] = sopInstanceUid;
            request["Force"] = true; // the UIDs are ours to give: derived from the series, so a retry is the same instance
        }

        using HttpResponseMessage response = await http.PostAsync("tools/create-dicom", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static JsonObject Code(string value, string scheme, string meaning) => new() { ["CodeValue"] = value, ["CodingSchemeDesignator"] = scheme, ["CodeMeaning"] = meaning };

    public sealed record Change(long Seq, string ChangeType, string Id);

    public sealed record ChangePage(IReadOnlyList<Change> Changes, long Last, bool Done);

    public sealed record OrthancSeries(string Id, string Study, string Modality, string SeriesInstanceUid, IReadOnlyList<string> Instances, string? BodyPart);
}

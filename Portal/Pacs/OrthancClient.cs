using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedCrypt.Portal.Pacs;

/// <summary>
/// The few calls of Orthanc's REST API the importer makes: the change feed, a series and its instances, an instance's
/// file, and a Basic Text Structured Report created inside a study (/tools/create-dicom with the study as parent, so
/// the report carries the study's own patient and study tags and shows beside its images in any viewer), citing the
/// series' images as its evidence and the slice that drove the result as the image its finding is inferred from.
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
        OrthancInstance[] ordered = [.. instances.EnumerateArray()
            .Select(i => (Instance: Instance(i), Number: Tag(i.GetProperty("MainDicomTags"), "InstanceNumber") is { } n && int.TryParse(n, out int v) ? v : int.MaxValue))
            .OrderBy(i => i.Number).ThenBy(i => i.Instance.Id, StringComparer.Ordinal).Select(i => i.Instance)];
        return new OrthancSeries(id, series.GetProperty("ParentStudy").GetString()!, Tag(tags, "Modality") ?? "", Tag(tags, "SeriesInstanceUID") ?? id, ordered, Tag(tags, "BodyPartExamined"));

        static OrthancInstance Instance(JsonElement i)
        {
            JsonElement tags = i.GetProperty("MainDicomTags");
            return new(i.GetProperty("ID").GetString()!, Tag(tags, "SOPInstanceUID"), Tag(tags, "NumberOfFrames") is { } f && int.TryParse(f, out int frames) && frames > 1 ? frames : 1);
        }
    }

    /// <summary>
    /// What a report cites: the study's UID, and each instance's SOP class (which Orthanc keeps as metadata, one call an
    /// instance). Null where Orthanc does not say; the report is then written without references.
    /// </summary>
    public async Task<ReportEvidence?> EvidenceAsync(OrthancSeries series, CancellationToken cancellationToken)
    {
        string? study = Tag((await http.GetFromJsonAsync<JsonElement>($"studies/{series.Study}", cancellationToken)).GetProperty("MainDicomTags"), "StudyInstanceUID");
        var images = new List<ReportImage>(series.Instances.Count);
        foreach (OrthancInstance instance in series.Instances)
        {
            if (instance.SopInstanceUid is not { } uid)
            {
                return null;
            }

            using HttpResponseMessage response = await http.GetAsync($"instances/{instance.Id}/metadata/SopClassUid", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            images.Add(new ReportImage((await response.Content.ReadAsStringAsync(cancellationToken)).Trim(), uid));
        }

        return study is null ? null : new ReportEvidence(study, series.SeriesInstanceUid, images);
    }

    public Task<byte[]> InstanceFileAsync(string id, CancellationToken cancellationToken) => http.GetByteArrayAsync($"instances/{id}/file", cancellationToken);

    /// <summary>
    /// Creates the report in the study, under the series and instance UIDs given (the same UIDs again store nothing
    /// new), or under new ones Orthanc makes when none are given.
    /// </summary>
    /// <param name="evidence">The series' images the result was read from, cited as the report's evidence; <paramref name="shown"/> (with its frame for a multi-frame image) is the one that drove it.</param>
    public async Task WriteReportAsync(string study, string text, string? seriesInstanceUid, string? sopInstanceUid, ReportEvidence? evidence, (ReportImage Image, int? Frame)? shown, CancellationToken cancellationToken)
    {
        var finding = new JsonObject
        {
            ["RelationshipType"] = "CONTAINS",
            ["ValueType"] = "TEXT",
            ["ConceptNameCodeSequence"] = new JsonArray(Code("121071", "DCM", "Finding")),
            ["TextValue"] = text,
        };
        if (shown is ({ } image, var frame))
        {
            // The finding is inferred from the slice with the highest P(tumor): a viewer opens it from the report.
            JsonObject reference = Reference(image);
            if (frame is { } number)
            {
                reference["ReferencedFrameNumber"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            finding["ContentSequence"] = new JsonArray(new JsonObject
            {
                ["RelationshipType"] = "INFERRED FROM",
                ["ValueType"] = "IMAGE",
                ["ReferencedSOPSequence"] = new JsonArray(reference),
            });
        }

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
            ["ContentSequence"] = new JsonArray(finding),
        };
        if (evidence is not null)
        {
            // Every image of the series was read (PS3.3 C.17.2.3: the evidence of the report's current procedure).
            tags["CurrentRequestedProcedureEvidenceSequence"] = new JsonArray(new JsonObject
            {
                ["StudyInstanceUID"] = evidence.StudyInstanceUid,
                ["ReferencedSeriesSequence"] = new JsonArray(new JsonObject
                {
                    ["SeriesInstanceUID"] = evidence.SeriesInstanceUid,
                    ["ReferencedSOPSequence"] = new JsonArray([.. evidence.Images.Select(i => (JsonNode)Reference(i))]),
                }),
            });
        }

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

    private static JsonObject Reference(ReportImage image) => new() { ["ReferencedSOPClassUID"] = image.SopClassUid, ["ReferencedSOPInstanceUID"] = image.SopInstanceUid };

    private static string? Tag(JsonElement tags, string name) => tags.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;

    private static JsonObject Code(string value, string scheme, string meaning) => new() { ["CodeValue"] = value, ["CodingSchemeDesignator"] = scheme, ["CodeMeaning"] = meaning };

    public sealed record Change(long Seq, string ChangeType, string Id);

    public sealed record ChangePage(IReadOnlyList<Change> Changes, long Last, bool Done);

    public sealed record OrthancSeries(string Id, string Study, string Modality, string SeriesInstanceUid, IReadOnlyList<OrthancInstance> Instances, string? BodyPart)
    {
        /// <summary>The slices it is screened as: an image each, a multi-frame image's frames each (what a screened series' slice count is compared with).</summary>
        public int Slices => Instances.Sum(i => i.Frames);
    }

    public sealed record OrthancInstance(string Id, string? SopInstanceUid, int Frames);

    public sealed record ReportImage(string SopClassUid, string SopInstanceUid);

    public sealed record ReportEvidence(string StudyInstanceUid, string SeriesInstanceUid, IReadOnlyList<ReportImage> Images);
}

using MedCrypt.Domain.History;
using MedCrypt.Portal.Api;

namespace MedCrypt.Portal.History;

/// <summary>
/// The history's query string, shared by the API and the CSV export: from, to, model, label, uploader, scheme,
/// decrypted, minTumor, study (one study's or series' predictions), sort, order (asc or desc), level (slice, the
/// default, or study: a series one row), page, pageSize.
/// </summary>
public sealed record HistoryRequest(HistoryFilter Filter, HistoryLevel Level, int Page, int PageSize)
{
    public const int DefaultPageSize = 50;

    public static HistoryRequest Parse(IQueryCollection query, out Dictionary<string, string[]> errors)
    {
        var reader = new QueryReader(query);
        var filter = new HistoryFilter
        {
            From = reader.Instant("from"),
            To = reader.Instant("to", endOfDay: true),
            Model = reader.Text("model"),
            Label = reader.Text("label"),
            Uploader = reader.Text("uploader"),
            Scheme = reader.Text("scheme"),
            DecryptedForInference = reader.Flag("decrypted"),
            MinTumorProbability = reader.Number("minTumor", 0, 1),
            Study = reader.Id("study"),
            Sort = reader.Choice<HistorySort>("sort") ?? HistorySort.Time,
            Descending = reader.Choice<SortOrder>("order") != SortOrder.Asc,
        };
        if (Period.Problem(filter.From, filter.To) is { } reversed)
        {
            reader.Fail("to", reversed);
        }

        HistoryLevel level = reader.Choice<HistoryLevel>("level") ?? HistoryLevel.Slice;
        int page = reader.Integer("page", 1, 1, 1_000_000);
        int pageSize = reader.Integer("pageSize", DefaultPageSize, 1, QueryPredictionHistory.MaxPageSize);
        errors = reader.Errors;
        return new HistoryRequest(filter, level, page, pageSize);
    }

    private enum SortOrder
    {
        Asc,
        Desc,
    }
}

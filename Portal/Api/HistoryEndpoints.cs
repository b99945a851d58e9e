using System.Security.Claims;
using System.Text;
using MedCrypt.Domain.History;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.History;

namespace MedCrypt.Portal.Api;

/// <summary>
/// The prediction history over HTTP: GET /api/v1/predictions (JSON, paged) and /api/v1/predictions.csv for hospital
/// systems (bearer), and /history/export.csv for the history page's export button (cookie). Auditors, administrators,
/// doctors and staff; each call is one audit entry.
/// </summary>
internal static class HistoryEndpoints
{
    public static void MapHistoryApi(this RouteGroupBuilder secured)
    {
        secured.MapGet("/predictions", GetPredictionsAsync).RequireAuthorization(Policies.ReadHistory);
        secured.MapGet("/predictions.csv", ExportAsync).RequireAuthorization(Policies.ReadHistory);
    }

    /// <summary>The page's download link, signed in with the portal's cookie.</summary>
    public static void MapHistoryExport(this WebApplication app) =>
        app.MapGet("/history/export.csv", ExportAsync).RequireAuthorization(Policies.ReadHistory);

    private static async Task<IResult> GetPredictionsAsync(HttpRequest request, ClaimsPrincipal user, QueryPredictionHistory history, CancellationToken cancellationToken)
    {
        HistoryRequest query = HistoryRequest.Parse(request.Query, out Dictionary<string, string[]> errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, "The query string has bad values.");
        }

        if (query.Level == HistoryLevel.Study)
        {
            return TypedResults.Ok(await history.StudiesAsync(user.ToActor(), query.Filter, query.Page, query.PageSize, cancellationToken));
        }

        return TypedResults.Ok(await history.RunAsync(user.ToActor(), query.Filter, query.Page, query.PageSize, cancellationToken));
    }

    private static async Task<IResult> ExportAsync(HttpRequest request, ClaimsPrincipal user, ExportPredictionHistory export, TimeProvider clock, CancellationToken cancellationToken)
    {
        HistoryRequest query = HistoryRequest.Parse(request.Query, out Dictionary<string, string[]> errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, "The query string has bad values.");
        }

        var csv = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        // Refusals reach the problem handler.
        if (query.Level == HistoryLevel.Study)
        {
            await export.StudiesAsync(user.ToActor(), query.Filter, csv, cancellationToken);
        }
        else
        {
            await export.RunAsync(user.ToActor(), query.Filter, csv, cancellationToken);
        }

        string name = query.Level == HistoryLevel.Study ? "studies" : "predictions";
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"medcrypt-{name}-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv");
    }
}

using System.Security.Claims;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Api;

/// <summary>
/// The REST API for hospital systems, /api/v1: the same services and rules as the pages, bearer tokens from
/// Identity, problem+json for every error (anonymous 401, a role without the right 403).
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>The multipart form's headers and boundaries around the files a request may carry.</summary>
    public const long FormAllowanceBytes = 1_048_576;

    /// <summary>The largest upload request: a whole series and the form around it (also what forms are held in memory up to).</summary>
    public const long MaxStudiesRequestBytes = AnalyseStudy.MaxSeriesBytes + FormAllowanceBytes;

    public static void MapApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json"); // /openapi/v1.json
        RouteGroupBuilder api = app.MapGroup("/api/v1").DisableAntiforgery(); // bearer tokens, not cookies: no cross-site forms to guard against

        api.MapAuthApi();

        RouteGroupBuilder secured = api.MapGroup("").RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = IdentityConstants.BearerScheme });
        secured.MapGet("/schemes", (SchemeDirectory schemes) => TypedResults.Ok(schemes.List()));
        secured.MapPost("/studies", CreateStudyAsync).RequireAuthorization(Policies.Analyse).RequireRateLimiting(RateLimits.UploadsPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxStudiesRequestBytes)); // each file is held to its own limit
        secured.MapGet("/series/{id:guid}", GetSeriesAsync); // every role reaches it, so the denial is audited
        secured.MapGet("/studies/{id:guid}", GetStudyAsync); // every role reaches it, so the denial is audited
        secured.MapGet("/studies/{id:guid}/image/protected", GetProtectedImageAsync); // every role reaches it, so the denial is audited
        secured.MapGet("/studies/{id:guid}/image/original", GetOriginalImageAsync); // every role reaches it, so the denial is audited
        secured.MapHistoryApi();
        secured.MapAuditApi();
        secured.MapAdminEndpoints();
        secured.MapUserEndpoints();
        secured.MapTransferEndpoints();
    }

    /// <summary>One <c>file</c> part is a study; several are a series (one slice each, in the order sent).</summary>
    private static async Task<IResult> CreateStudyAsync(HttpRequest request, [FromForm] string? scheme, ClaimsPrincipal user, AnalyseStudy studies, CancellationToken cancellationToken)
    {
        IReadOnlyList<IFormFile> files = request.HasFormContentType ? (await request.ReadFormAsync(cancellationToken)).Files.GetFiles("file") : [];
        if (files.Count == 0 || files.Any(f => f.Length == 0))
        {
            return TypedResults.Problem("Send the scan as the multipart field 'file' (a series: one 'file' part per slice), none of them empty.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (files.FirstOrDefault(f => f.Length > AnalyseStudy.MaxUploadBytes) is { } large)
        {
            return TypedResults.Problem($"{AnalyseStudy.SafeName(large.FileName)} is over {AnalyseStudy.MaxUploadBytes / 1_048_576} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var slices = new List<SliceUpload>(files.Count);
        foreach (IFormFile file in files)
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken);
            slices.Add(new SliceUpload(file.FileName, buffer.ToArray()));
        }

        string schemeId = scheme ?? SchemeDirectory.DefaultSchemeId;
        if (slices.Count == 1)
        {
            StudyDetails study = await studies.RunAsync(user.ToActor(), slices[0].FileName, slices[0].Bytes, schemeId, cancellationToken);
            return TypedResults.Created($"/api/v1/studies/{study.Id:D}", StudyResponse.From(study));
        }

        SeriesDetails series = await studies.RunSeriesAsync(user.ToActor(), slices, schemeId, cancellationToken);
        return TypedResults.Created($"/api/v1/series/{series.Id:D}", SeriesResponse.From(series));
    }

    private static async Task<IResult> GetSeriesAsync(Guid id, ClaimsPrincipal user, OpenSeries series, CancellationToken cancellationToken) =>
        TypedResults.Ok(SeriesResponse.From(await series.RunAsync(user.ToActor(), id, cancellationToken)));

    // The use cases audit every attempt and throw typed failures; ProblemExceptionHandler turns those into problem+json.
    private static async Task<IResult> GetStudyAsync(Guid id, ClaimsPrincipal user, OpenStudy studies, CancellationToken cancellationToken) =>
        TypedResults.Ok(StudyResponse.From(await studies.RunAsync(user.ToActor(), id, cancellationToken)));

    private static async Task<IResult> GetProtectedImageAsync(Guid id, ClaimsPrincipal user, ViewProtectedImage image, CancellationToken cancellationToken) =>
        TypedResults.File(await image.RunAsync(user.ToActor(), id, cancellationToken), "image/png");

    private static async Task<IResult> GetOriginalImageAsync(Guid id, ClaimsPrincipal user, ViewOriginalImage image, CancellationToken cancellationToken) =>
        TypedResults.File(await image.RunAsync(user.ToActor(), id, cancellationToken), "image/png");
}

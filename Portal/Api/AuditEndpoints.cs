using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.History;
using MedCrypt.Portal.Authorization;

namespace MedCrypt.Portal.Api;

/// <summary>
/// The audit log over HTTP, for auditors and administrators only: GET /api/v1/audit (filtered by actor, action,
/// outcome, from, to; paged, newest first) and GET /api/v1/audit/verify (the hash chain's verification).
/// </summary>
internal static class AuditEndpoints
{
    public const int DefaultPageSize = 100;

    public static void MapAuditApi(this RouteGroupBuilder secured)
    {
        secured.MapGet("/audit", GetAuditAsync).RequireAuthorization(Policies.ReadAudit);
        secured.MapGet("/audit/verify", VerifyAsync).RequireAuthorization(Policies.ReadAudit);
    }

    private static async Task<IResult> GetAuditAsync(HttpRequest request, ClaimsPrincipal user, SearchAuditLog search, CancellationToken cancellationToken)
    {
        var reader = new QueryReader(request.Query);
        var filter = new AuditFilter(
            reader.Text("actor"), reader.Text("action"), reader.Choice<AuditOutcome>("outcome"), reader.Instant("from"), reader.Instant("to", endOfDay: true),
            reader.Text("subject"));
        if (Period.Problem(filter.From, filter.To) is { } reversed)
        {
            reader.Fail("to", reversed);
        }

        int page = reader.Integer("page", 1, 1, 1_000_000);
        int pageSize = reader.Integer("pageSize", DefaultPageSize, 1, SearchAuditLog.MaxPageSize);
        if (reader.Errors.Count > 0)
        {
            return TypedResults.ValidationProblem(reader.Errors, "The query string has bad values.");
        }

        // A refusal or a rejected filter reaches the problem+json handler as a DomainException.
        return TypedResults.Ok(await search.RunAsync(user.ToActor(), filter, page, pageSize, cancellationToken));
    }

    private static async Task<IResult> VerifyAsync(ClaimsPrincipal user, VerifyAuditLog verification, CancellationToken cancellationToken) =>
        TypedResults.Ok(await verification.RunAsync(user.ToActor(), cancellationToken));
}

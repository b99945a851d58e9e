using System.Security.Claims;
using System.Text.Json;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Api;

/// <summary>
/// Studies between hospitals: administrators manage the institutions (/institutions), a doctor sends a study as a
/// package (/studies/{id}/send), and a package from another institution is taken in (/transfers). The same use
/// cases as the pages; refusals reach the problem handler.
/// </summary>
internal static class TransferEndpoints
{
    /// <summary>The package's media type: opaque bytes, never shown by a browser.</summary>
    public const string PackageMediaType = "application/vnd.medcrypt.transfer";

    public static void MapTransferEndpoints(this RouteGroupBuilder secured)
    {
        RouteGroupBuilder institutions = secured.MapGroup("/institutions").RequireAuthorization(Policies.AdministerKeys);
        institutions.MapGet("", ListAsync);
        institutions.MapGet("/self", OwnCardAsync);
        institutions.MapPost("", AddAsync);
        institutions.MapDelete("/{id:guid}", RemoveAsync);

        secured.MapPost("/studies/{id:guid}/send", SendAsync).RequireAuthorization(Policies.SendStudies); // the use case checks the role again, at this moment
        secured.MapPost("/transfers", ReceiveAsync).RequireAuthorization(Policies.Analyse).RequireRateLimiting(RateLimits.UploadsPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(AnalyseStudy.MaxUploadBytes + ApiEndpoints.FormAllowanceBytes));
    }

    /// <summary>The pages' ways to the same: the study page's send form and the institutions page's card download, signed in with the portal's cookie.</summary>
    public static void MapTransferDownloads(this WebApplication app)
    {
        app.MapPost("/studies/{id:guid}/send", SendFromPageAsync).RequireAuthorization(Policies.SendStudies); // a form: antiforgery is checked
        app.MapGet("/admin/institutions/card.json", OwnCardAsync).RequireAuthorization(Policies.AdministerKeys);
    }

    private static Task<IResult> SendFromPageAsync(Guid id, [FromForm] Guid institution, ClaimsPrincipal user, SendStudy send, CancellationToken cancellationToken) =>
        SendAsync(id, new SendStudyRequest(institution), user, send, cancellationToken);

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, AdministerInstitutions administer, CancellationToken cancellationToken) =>
        TypedResults.Ok((await administer.ListAsync(user.ToActor(), cancellationToken)).Select(InstitutionResponse.From));

    /// <summary>This installation's card, as the file the other hospital's administrator adds.</summary>
    private static async Task<IResult> OwnCardAsync(ClaimsPrincipal user, AdministerInstitutions administer, CancellationToken cancellationToken)
    {
        InstitutionCard card = await administer.OwnCardAsync(user.ToActor(), cancellationToken);
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(card.ToJson()), "application/json", "medcrypt-institution.json");
    }

    private static async Task<IResult> AddAsync(AddInstitutionRequest request, ClaimsPrincipal user, AdministerInstitutions administer, CancellationToken cancellationToken)
    {
        // The card as the JSON object it is in its file, or that file's text as a string.
        string card = request.Card.ValueKind switch
        {
            JsonValueKind.String => request.Card.GetString()!,
            JsonValueKind.Object => request.Card.GetRawText(),
            _ => "", // none, or not a card: refused (and audited) by the use case
        };
        Institution added = await administer.AddAsync(user.ToActor(), card, request.Name, cancellationToken);
        return TypedResults.Created($"/api/v1/institutions/{added.Id:D}", InstitutionResponse.From(added));
    }

    private static async Task<IResult> RemoveAsync(Guid id, ClaimsPrincipal user, AdministerInstitutions administer, CancellationToken cancellationToken)
    {
        await administer.RemoveAsync(user.ToActor(), id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SendAsync(Guid id, SendStudyRequest request, ClaimsPrincipal user, SendStudy send, CancellationToken cancellationToken)
    {
        SentPackage package = await send.RunAsync(user.ToActor(), id, request.Institution, cancellationToken);
        return TypedResults.File(package.Bytes, PackageMediaType, package.FileName);
    }

    private static async Task<IResult> ReceiveAsync(IFormFile? file, [FromForm] string? scheme, ClaimsPrincipal user, ReceiveStudy receive, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem("Send the package as the multipart field 'file'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (file.Length > AnalyseStudy.MaxUploadBytes + ApiEndpoints.FormAllowanceBytes)
        {
            return TypedResults.Problem("The package is over the size limit.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        StudyDetails study = await receive.RunAsync(user.ToActor(), buffer.ToArray(), scheme ?? SchemeDirectory.DefaultSchemeId, cancellationToken);
        return TypedResults.Created($"/api/v1/studies/{study.Id:D}", StudyResponse.From(study));
    }
}

/// <summary>A card to add (the JSON object from its file, or its text), and optionally the name to know it by here.</summary>
public sealed record AddInstitutionRequest(JsonElement Card, string? Name);

/// <summary>Which institution to send the study to.</summary>
public sealed record SendStudyRequest(Guid Institution);

/// <summary>An institution as the API lists it: fingerprints, never more than public keys.</summary>
public sealed record InstitutionResponse(Guid Id, string Name, string AgreementFingerprint, string SigningFingerprint, DateTimeOffset AddedAt, string AddedBy)
{
    public static InstitutionResponse From(Institution institution)
    {
        ArgumentNullException.ThrowIfNull(institution);
        return new(institution.Id, institution.Name, institution.Card.AgreementFingerprint, institution.Card.SigningFingerprint, institution.AddedAt, institution.AddedBy);
    }
}

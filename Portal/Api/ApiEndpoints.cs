using System.Security.Claims;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Schemes;
using MedCrypt.Domain.Studies;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Api;

/// <summary>
/// The REST API for hospital systems, /api/v1: the same services and rules as the pages, bearer tokens from
/// Identity, problem+json for every error (anonymous 401, a role without the right 403).
/// </summary>
internal static class ApiEndpoints
{
    public static void MapApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json"); // /openapi/v1.json
        RouteGroupBuilder api = app.MapGroup("/api/v1").DisableAntiforgery(); // bearer tokens, not cookies: no cross-site forms to guard against

        api.MapPost("/auth/login", LoginAsync).AllowAnonymous().RequireRateLimiting(RateLimits.SignInPolicy);

        RouteGroupBuilder secured = api.MapGroup("").RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = IdentityConstants.BearerScheme });
        secured.MapGet("/schemes", (SchemeDirectory schemes) => TypedResults.Ok(schemes.List()));
        secured.MapPost("/studies", CreateStudyAsync).RequireAuthorization(Policies.Analyse).RequireRateLimiting(RateLimits.UploadsPolicy)
            .WithMetadata(new RequestSizeLimitAttribute(AnalyseStudy.MaxUploadBytes + 1_048_576)); // the file plus the form around it
        secured.MapGet("/studies/{id:guid}", GetStudyAsync); // every role reaches it, so the denial is audited
        secured.MapGet("/studies/{id:guid}/image/protected", GetProtectedImageAsync); // every role reaches it, so the denial is audited
        secured.MapGet("/studies/{id:guid}/image/original", GetOriginalImageAsync); // every role reaches it, so the denial is audited
        secured.MapHistoryApi();
        secured.MapAuditApi();
        secured.MapAdminEndpoints();
        secured.MapUserEndpoints();
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult, ValidationProblem>> LoginAsync(LoginRequest request, SignInManager<IdentityUser> signIn, AuditLog audit)
    {
        Dictionary<string, string[]> errors = request.Validate();
        if (errors.Count > 0 || request is not { Email: { } email, Password: { } password })
        {
            return TypedResults.ValidationProblem(errors, "Send {\"email\", \"password\"} as JSON.");
        }

        signIn.AuthenticationScheme = IdentityConstants.BearerScheme; // the handler writes { tokenType, accessToken, expiresIn, refreshToken }
        Microsoft.AspNetCore.Identity.SignInResult result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        string failure = "email or password";
        if (result.RequiresTwoFactor)
        {
            // The password was right; the account has an authenticator. Identity keeps the user for this request.
            if (!string.IsNullOrEmpty(request.TwoFactorCode))
            {
                result = await signIn.TwoFactorAuthenticatorSignInAsync(request.TwoFactorCode, isPersistent: false, rememberClient: false);
                failure = "two-factor code";
            }
            else if (!string.IsNullOrEmpty(request.TwoFactorRecoveryCode))
            {
                result = await signIn.TwoFactorRecoveryCodeSignInAsync(request.TwoFactorRecoveryCode);
                failure = "recovery code";
            }
            else
            {
                await audit.RecordAsync(email, "sign-in", "api", AuditOutcome.Denied, "two-factor code missing");
                return TypedResults.Problem(
                    "This account uses two-factor sign-in: send the authenticator's 6-digit code as twoFactorCode (or a recovery code as twoFactorRecoveryCode).",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Two-factor code required", extensions: new Dictionary<string, object?> { ["twoFactorRequired"] = true });
            }
        }

        await audit.RecordAsync(email, "sign-in", "api", result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Denied,
            result.Succeeded ? "" : result.IsLockedOut ? "locked out" : $"wrong {failure}");
        return result.Succeeded
            ? TypedResults.Empty
            : TypedResults.Problem(result.IsLockedOut ? "The account is locked for 15 minutes." : $"The {failure} is wrong.", statusCode: StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> CreateStudyAsync(IFormFile? file, [FromForm] string? scheme, ClaimsPrincipal user, AnalyseStudy studies, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem("Send the scan as the multipart field 'file'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (file.Length > AnalyseStudy.MaxUploadBytes)
        {
            return TypedResults.Problem($"The file is over {AnalyseStudy.MaxUploadBytes / 1_048_576} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        StudyDetails study = await studies.RunAsync(user.ToActor(), file.FileName, buffer.ToArray(), scheme ?? SchemeDirectory.DefaultSchemeId, cancellationToken);
        return TypedResults.Created($"/api/v1/studies/{study.Id:D}", StudyResponse.From(study));
    }

    // The use cases audit every attempt and throw typed failures; ProblemExceptionHandler turns those into problem+json.
    private static async Task<IResult> GetStudyAsync(Guid id, ClaimsPrincipal user, OpenStudy studies, CancellationToken cancellationToken) =>
        TypedResults.Ok(StudyResponse.From(await studies.RunAsync(user.ToActor(), id, cancellationToken)));

    private static async Task<IResult> GetProtectedImageAsync(Guid id, ClaimsPrincipal user, ViewProtectedImage image, CancellationToken cancellationToken) =>
        TypedResults.File(await image.RunAsync(user.ToActor(), id, cancellationToken), "image/png");

    private static async Task<IResult> GetOriginalImageAsync(Guid id, ClaimsPrincipal user, ViewOriginalImage image, CancellationToken cancellationToken) =>
        TypedResults.File(await image.RunAsync(user.ToActor(), id, cancellationToken), "image/png");
}

/// <summary>The API's sign-in; the two-factor fields only for accounts with an authenticator.</summary>
/// <remarks>Nullable, and checked by <see cref="Validate"/>: a body without them is the caller's mistake (400), not a null reaching Identity (500).</remarks>
public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode = null, string? TwoFactorRecoveryCode = null)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Email))
        {
            errors["email"] = ["The email is required."];
        }

        if (string.IsNullOrEmpty(Password))
        {
            errors["password"] = ["The password is required."];
        }

        return errors;
    }
}

using MedCrypt.Domain.Access;
using System.Security.Claims;
using MedCrypt.Crypto.Envelope;
using MedCrypt.Domain.Analysis;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Schemes;
using MedCrypt.Portal.Authorization;
using MedCrypt.Portal.Data;
using MedCrypt.Portal.RateLimiting;
using MedCrypt.Portal.Studies;
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
            .WithMetadata(new RequestSizeLimitAttribute(StudyWorkflow.MaxUploadBytes + 1_048_576)); // the file plus the form around it
        secured.MapGet("/studies/{id:guid}", GetStudyAsync).RequireAuthorization(Policies.ViewProtected);
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

    private static async Task<IResult> CreateStudyAsync(IFormFile? file, [FromForm] string? scheme, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<StudyWorkflow>() is not { } studies)
        {
            return TypedResults.Problem("No models are installed: scans cannot be analysed.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem("Send the scan as the multipart field 'file'.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (file.Length > StudyWorkflow.MaxUploadBytes)
        {
            return TypedResults.Problem($"The file is over {StudyWorkflow.MaxUploadBytes / 1_048_576} MB.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        try
        {
            StudyRecord study = await studies.AnalyseAsync(user, file.FileName, buffer.ToArray(), scheme ?? SchemeDirectory.DefaultSchemeId, cancellationToken);
            return TypedResults.Created($"/api/v1/studies/{study.Id:D}", StudyResponse.From(study));
        }
        catch (ImageRejectedException e) when (e.TooLarge)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Image too large");
        }
        catch (Exception e) when (e is ImageRejectedException or ArgumentException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (InferenceNotPermittedException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<IResult> GetStudyAsync(Guid id, IServiceProvider services, CancellationToken cancellationToken) =>
        await FindAsync(services, id, cancellationToken) is { } study ? TypedResults.Ok(StudyResponse.From(study)) : NotFound(id);

    private static Task<IResult> GetProtectedImageAsync(Guid id, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken) =>
        ImageAsync(id, services, studies => studies.OpenProtectedAsync(user, id, cancellationToken));

    private static Task<IResult> GetOriginalImageAsync(Guid id, ClaimsPrincipal user, IServiceProvider services, CancellationToken cancellationToken) =>
        ImageAsync(id, services, studies => studies.OpenOriginalAsync(user, id, cancellationToken));

    /// <summary>A study's image as PNG; the use case audits every attempt, this only turns its outcome into HTTP.</summary>
    private static async Task<IResult> ImageAsync(Guid id, IServiceProvider services, Func<StudyWorkflow, Task<byte[]>> open)
    {
        if (services.GetService<StudyWorkflow>() is not { } studies)
        {
            return NotFound(id);
        }

        try
        {
            return TypedResults.File(await open(studies), "image/png");
        }
        catch (UnauthorizedAccessException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden);
        }
        catch (KeyNotFoundException)
        {
            return NotFound(id);
        }
        catch (EnvelopeException)
        {
            return TypedResults.Problem(
                "The stored image does not verify: it was altered, or its nonce, scheme or key changed. It is not shown.",
                statusCode: StatusCodes.Status409Conflict, title: "Stored image failed verification");
        }
    }

    private static Task<StudyRecord?> FindAsync(IServiceProvider services, Guid id, CancellationToken cancellationToken) =>
        services.GetService<StudyWorkflow>()?.FindAsync(id, cancellationToken) ?? Task.FromResult<StudyRecord?>(null);

    private static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem($"There is no study {id}.", statusCode: StatusCodes.Status404NotFound);
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

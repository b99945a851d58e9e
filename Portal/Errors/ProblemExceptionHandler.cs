using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Imaging;
using MedCrypt.Domain.Transfer;
using MedCrypt.Portal.Data;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Errors;

/// <summary>
/// The one place failures become HTTP: the Domain's typed failures (denied 403, not found 404, rejected input 400 or
/// 422, conflict 409) with their message, a database that is away (503 with Retry-After, at once: nothing was
/// saved) and a request the server could not read (its own 4xx, e.g. a body over the size limit), all as
/// problem+json. Endpoints call use cases and let these through; anything else is a 500.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string detail) = exception switch
        {
            AccessDeniedException denied => (StatusCodes.Status403Forbidden, denied.Message),
            NotFoundException missing => (StatusCodes.Status404NotFound, missing.Message),
            RejectedInputException rejected => (rejected.Unprocessable ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest, rejected.Message),
            ConflictException conflict => (StatusCodes.Status409Conflict, conflict.Message),
            ServiceUnavailableException unavailable => (StatusCodes.Status503ServiceUnavailable, unavailable.Message),
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "The request body is over the size limit." : "The request could not be read."),
            InvalidDataException => (StatusCodes.Status400BadRequest, "The multipart form could not be read."),
            _ when DatabaseOutage.Caused(exception) => (StatusCodes.Status503ServiceUnavailable, DatabaseOutage.Message),
            _ => (0, ""),
        };
        if (status == 0 || context.Response.HasStarted)
        {
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable && exception is not ServiceUnavailableException)
        {
            logger.LogWarning("Database unavailable: {Path} answered 503 ({Error})", context.Request.Path, exception.GetBaseException().Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail };
        if (exception is NotABrainSliceException notBrain)
        {
            problem.Extensions["reason"] = "not-a-brain-mri-slice"; // a client can tell this refusal from a broken file
            problem.Extensions["check"] = notBrain.Reason;
        }
        else if (exception is PackageRefusedException refused)
        {
            problem.Extensions["reason"] = $"package-{refused.Reason.ToString().ToLowerInvariant()}"; // malformed, misaddressed, unknownsender, tampered, expired
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = problem,
        });
    }
}

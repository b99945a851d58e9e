using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace MedCrypt.Portal.Authorization;

/// <summary>
/// What a policy's refusal of a signed-in account becomes: an audit entry (<c>access.denied</c>, whatever the route),
/// then for the API and /metrics a 403 problem+json saying what was missing (a second factor, or which permission),
/// and for a page the enrolment page (/account/two-factor) when a second factor is missing, else the framework's answer (/account/denied).
/// </summary>
internal sealed class AuthorizationProblemHandler(AuditLog audit, IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _framework.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        IEnumerable<AuthorizationFailureReason> reasons = authorizeResult.AuthorizationFailure?.FailureReasons ?? [];
        bool secondFactor = reasons.Any(r => r.Message == PermissionRequirementHandler.SecondFactorFailure);
        Permission? missing = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<PermissionRequirement>().SelectMany(r => r.AnyOf).Select(p => (Permission?)p).FirstOrDefault();
        string detail = secondFactor ? AccessGuard.SecondFactorMissing
            : missing is { } permission ? AccessGuard.Describe(permission)
            : "Your role does not give access to this.";
        await audit.RecordAsync(context.User.ToActor().Name, "access.denied", $"{context.Request.Method} {context.Request.Path}", AuditOutcome.Denied,
            secondFactor ? "two-factor sign-in required" : missing is { } lacking ? $"lacks {lacking}" : "policy refused", context.RequestAborted);

        bool api = context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/metrics");
        if (api)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var problem = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = secondFactor ? "Two-factor sign-in required" : "Forbidden", Detail = detail };
            if (secondFactor)
            {
                problem.Extensions["twoFactorRequired"] = true;
            }

            await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }
        else if (secondFactor)
        {
            context.Response.Redirect("/account/two-factor");
        }
        else
        {
            await _framework.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}

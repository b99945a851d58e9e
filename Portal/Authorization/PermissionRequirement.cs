using MedCrypt.Domain.Access;
using Microsoft.AspNetCore.Authorization;

namespace MedCrypt.Portal.Authorization;

/// <summary>
/// The actor may do one of <see cref="AnyOf"/> by <see cref="AccessPolicy"/>'s table (none: anything a signed-in
/// account reaches). Decided by <see cref="Actor.May"/>, so a privileged role signed in without a second factor fails it.
/// </summary>
public sealed class PermissionRequirement(params Permission[] anyOf) : IAuthorizationRequirement
{
    public IReadOnlyList<Permission> AnyOf { get; } = anyOf;
}

/// <summary>Evaluates <see cref="PermissionRequirement"/> on the principal turned into an <see cref="Actor"/>; a missing second factor is a named failure.</summary>
internal sealed class PermissionRequirementHandler : AuthorizationHandler<PermissionRequirement>
{
    /// <summary>The failure's message when a second factor is what is missing (<see cref="AuthorizationProblemHandler"/> says so).</summary>
    public const string SecondFactorFailure = "second-factor";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        Actor actor = context.User.ToActor();
        if (actor.NeedsSecondFactor)
        {
            context.Fail(new AuthorizationFailureReason(this, SecondFactorFailure));
        }
        else if (requirement.AnyOf.Count == 0 || requirement.AnyOf.Any(actor.May))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

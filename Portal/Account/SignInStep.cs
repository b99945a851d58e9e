using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>Where a sign-in attempt stands, with the words the user is shown when it did not succeed.</summary>
public sealed record SignInStep(SignInStep.Kind Outcome, string Message = "", IdentityUser? User = null, bool SecondFactor = false)
{
    public enum Kind
    {
        /// <summary>Signed in (the portal's cookie is set; the API issues tokens for <see cref="User"/>).</summary>
        Done,

        /// <summary>The password was right and the account's authenticator code must follow.</summary>
        CodeNeeded,

        /// <summary>A Doctor or Admin without an authenticator: no API token (the portal lets them in only to enrol).</summary>
        NotEnrolled,

        /// <summary>The portal's two-factor step found no sign-in in progress.</summary>
        Expired,

        /// <summary>A wrong password or code, or a locked account.</summary>
        Refused,
    }

    public bool Succeeded => Outcome == Kind.Done;
}

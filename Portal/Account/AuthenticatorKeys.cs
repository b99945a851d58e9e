using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>
/// Turning two-factor sign-in off, the one way (by the user or by an administrator for a lost phone), and an
/// authenticator key for an account that is not enrolled yet. Identity's <c>ResetAuthenticatorKeyAsync</c> also
/// changes the security stamp, which would end every session and API token of an account that merely opened its
/// account page; before enrolment a key protects nothing, so nothing needs ending.
/// </summary>
internal static class AuthenticatorKeys
{
    /// <param name="key">Base32; null for a new random one.</param>
    public static async Task<string> SetBeforeEnrolmentAsync(UserManager<IdentityUser> users, IUserStore<IdentityUser> store, IdentityUser user, string? key = null)
    {
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            throw new InvalidOperationException("The account is enrolled: reset its key through Identity, which ends its sessions.");
        }

        key ??= users.GenerateNewAuthenticatorKey();
        await ((IUserAuthenticatorKeyStore<IdentityUser>)store).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
        IdentityResult updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            throw new InvalidOperationException($"The authenticator key could not be stored: {updated.Describe()}");
        }

        return key;
    }

    /// <summary>
    /// Two-factor sign-in off: the key and the recovery codes are discarded (a later enrolment starts afresh, and no
    /// old code works) and the security stamp changes, so sessions proved with the old factor end.
    /// </summary>
    /// <returns>The first refusal, or success.</returns>
    public static async Task<IdentityResult> TurnOffAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        foreach (Func<Task<IdentityResult>> step in new Func<Task<IdentityResult>>[]
        {
            () => users.SetTwoFactorEnabledAsync(user, false),
            () => users.ResetAuthenticatorKeyAsync(user), // also a new security stamp
            async () => await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0) is null
                ? IdentityResult.Failed(new IdentityError { Code = "RecoveryCodes", Description = "The recovery codes could not be cleared." })
                : IdentityResult.Success,
        })
        {
            IdentityResult result = await step();
            if (!result.Succeeded)
            {
                return result;
            }
        }

        return IdentityResult.Success;
    }
}

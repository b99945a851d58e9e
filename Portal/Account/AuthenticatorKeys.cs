using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>
/// An authenticator key for an account that is not enrolled yet. Identity's <c>ResetAuthenticatorKeyAsync</c> also
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
}

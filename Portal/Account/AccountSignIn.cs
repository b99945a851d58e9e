using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>
/// The one sign-in, for the portal's pages and the API alike: a password checked with the lockout (and, for an email
/// no account has, the same cost, <see cref="UnknownAccount"/>), then for an enrolled account its authenticator's
/// 6-digit code or a recovery code, wrong codes counting towards the lockout. Every attempt is one audit entry in the
/// same words on both channels, and every refusal is worded here.
/// </summary>
/// <remarks>Scoped, as Identity's <see cref="SignInManager{TUser}"/> is.</remarks>
public sealed class AccountSignIn(SignInManager<IdentityUser> signIn, AuditLog audit)
{
    public const string Portal = "portal", Api = "api";

    private UserManager<IdentityUser> Users => signIn.UserManager;

    /// <summary>The portal's password step: sets the cookie, or Identity's two-factor cookie when a code must follow.</summary>
    public async Task<SignInStep> PortalPasswordAsync(string email, string password)
    {
        await SpendIfUnknownAsync(email, password);
        SignInResult result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            await audit.RecordAsync(email, "sign-in.password", Portal, AuditOutcome.Succeeded, "two-factor code required");
            return new SignInStep(SignInStep.Kind.CodeNeeded);
        }

        return await ConcludeAsync(email, Portal, result, "password", "The email or password is wrong.");
    }

    /// <summary>Whether this browser is between the portal's two steps (Identity's two-factor cookie names an account).</summary>
    public async Task<bool> PortalCodeAwaitedAsync() => await signIn.GetTwoFactorAuthenticationUserAsync() is not null;

    /// <summary>The portal's code step, for the account Identity's two-factor cookie holds.</summary>
    public async Task<SignInStep> PortalCodeAsync(string code)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return new SignInStep(SignInStep.Kind.Expired);
        }

        (bool authenticator, string value) = OneField(code);
        SignInResult result = authenticator
            ? await signIn.TwoFactorAuthenticatorSignInAsync(value, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(value);
        return await ConcludeAsync(user.UserName ?? "unknown", Portal, result, Describe(authenticator), "The code is wrong or has expired.");
    }

    /// <summary>
    /// The API's sign-in in one request: the password and, for an enrolled account, its code. Sets no cookie:
    /// <paramref name="issueTokens"/> (the account, whether a second factor was proved) runs once the account is
    /// let in, before the sign-in is audited as succeeded, so the log never records a sign-in that issued nothing.
    /// </summary>
    public async Task<SignInStep> ApiAsync(string email, string password, string? code, string? recoveryCode, Func<IdentityUser, bool, Task> issueTokens)
    {
        IdentityUser? user = await SpendIfUnknownAsync(email, password);
        SignInResult checkedPassword = user is null ? SignInResult.Failed : await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (user is null || !checkedPassword.Succeeded)
        {
            return await ConcludeAsync(email, Api, checkedPassword, "password", "The email or password is wrong.");
        }

        if (!await Users.GetTwoFactorEnabledAsync(user))
        {
            if (AccessPolicy.RequiresSecondFactor(await Users.GetRolesAsync(user)))
            {
                await audit.RecordAsync(email, "sign-in", Api, AuditOutcome.Denied, "two-factor sign-in required, not enrolled");
                return new SignInStep(SignInStep.Kind.NotEnrolled, AccessGuard.SecondFactorMissing);
            }

            await issueTokens(user, false);
            await audit.RecordAsync(email, "sign-in", Api, AuditOutcome.Succeeded);
            return new SignInStep(SignInStep.Kind.Done, User: user);
        }

        string digits = SignInText.Digits(code);
        (bool authenticator, string value) = digits.Length > 0 ? (true, digits) : (false, (recoveryCode ?? "").Trim());
        if (value.Length == 0)
        {
            await audit.RecordAsync(email, "sign-in", Api, AuditOutcome.Denied, "two-factor code missing");
            return new SignInStep(SignInStep.Kind.CodeNeeded,
                "This account uses two-factor sign-in: send the authenticator's 6-digit code as twoFactorCode (or a recovery code as twoFactorRecoveryCode).");
        }

        bool valid = authenticator
            ? await Users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, value)
            : (await Users.RedeemTwoFactorRecoveryCodeAsync(user, value)).Succeeded;
        if (valid)
        {
            await issueTokens(user, true);
        }
        else
        {
            await Users.AccessFailedAsync(user); // as SignInManager does for the portal's codes
        }

        SignInResult result = valid ? SignInResult.Success : await Users.IsLockedOutAsync(user) ? SignInResult.LockedOut : SignInResult.Failed;
        SignInStep step = await ConcludeAsync(email, Api, result, Describe(authenticator), "The two-factor code is wrong or has expired.");
        return step with { User = valid ? user : null, SecondFactor = valid };
    }

    /// <summary>The portal's one field: six digits (spaces and dashes dropped) are an authenticator's code, anything else a recovery code (each works once).</summary>
    private static (bool Authenticator, string Value) OneField(string code)
    {
        string digits = SignInText.Digits(code);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit) ? (true, digits) : (false, code.Trim());
    }

    private static string Describe(bool authenticator) => authenticator ? "authenticator code" : "recovery code";

    /// <summary>The account for <paramref name="email"/>; for none, a password hash is spent all the same.</summary>
    private async Task<IdentityUser?> SpendIfUnknownAsync(string email, string password)
    {
        IdentityUser? user = await Users.FindByEmailAsync(email);
        if (user is null)
        {
            UnknownAccount.SpendAPasswordCheck(Users, password);
        }

        return user;
    }

    private async Task<SignInStep> ConcludeAsync(string name, string channel, SignInResult result, string how, string wrong)
    {
        bool withCode = how != "password";
        await audit.RecordAsync(name, "sign-in", channel, result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Denied,
            result.Succeeded ? (withCode ? $"with {how}" : "") : result.IsLockedOut ? "locked out" : withCode ? $"wrong {how}" : "wrong email or password");
        return result.Succeeded ? new SignInStep(SignInStep.Kind.Done, SecondFactor: withCode)
            : new SignInStep(SignInStep.Kind.Refused, result.IsLockedOut ? SignInText.LockedOut(Users.Options) : wrong);
    }
}

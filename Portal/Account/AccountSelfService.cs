using System.Security.Claims;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Portal.Authorization;
using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>
/// What a signed-in person does to their own account (the account pages only show it): change the password, enrol an
/// authenticator, make new recovery codes, turn two-factor off where their roles allow. Each call checks what it must,
/// is audited, and refreshes the sign-in where the account changed. A wrong current password counts towards the
/// lockout as it does at sign-in, so a stolen cookie is not unlimited guesses at the password; at the lockout the
/// session ends (<see cref="AccountOutcome.SignedOut"/>).
/// </summary>
internal sealed class AccountSelfService(UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, IUserStore<IdentityUser> store, AuditLog audit)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>The account as its pages show it; an account not enrolled yet gets its authenticator key here (without ending its sessions).</summary>
    public async Task<AccountView?> LoadAsync(ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return null;
        }

        IList<string> roles = await users.GetRolesAsync(user);
        bool enrolled = await users.GetTwoFactorEnabledAsync(user);
        string? key = enrolled ? null : await users.GetAuthenticatorKeyAsync(user);
        if (!enrolled && string.IsNullOrEmpty(key))
        {
            key = await AuthenticatorKeys.SetBeforeEnrolmentAsync(users, store, user);
        }

        return new AccountView(user.Id, user.UserName ?? "unknown", user.Email ?? "", [.. roles], enrolled, enrolled ? await users.CountRecoveryCodesAsync(user) : 0, key);
    }

    public async Task<AccountOutcome> ChangePasswordAsync(AccountView account, string current, string next, string again)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (next != again)
        {
            return AccountOutcome.Refused("The two new passwords differ.");
        }

        IdentityUser user = await UserAsync(account);
        IdentityResult result = await users.ChangePasswordAsync(user, current, next);
        await audit.RecordAsync(account.Name, "password.change", account.Subject, result.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Denied,
            result.Succeeded ? "" : string.Join(" ", result.Errors.Select(e => e.Code)));
        if (result.Succeeded)
        {
            await signIn.RefreshSignInAsync(user); // the stamp changed: other sessions end, this one goes on
            return AccountOutcome.Done("Your password was changed.");
        }

        return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
            ? await WrongPasswordAsync(account, user, "The current password is wrong.")
            : AccountOutcome.Refused(result.Describe());
    }

    /// <summary>Turns two-factor sign-in on after a right code from the app; the recovery codes come once, in the outcome.</summary>
    public async Task<AccountOutcome> EnableAsync(AccountView account, string code)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.TwoFactor)
        {
            return AccountOutcome.Refused("Two-factor sign-in is on already.");
        }

        IdentityUser user = await UserAsync(account);
        string digits = SignInText.Digits(code);
        bool valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits);
        await audit.RecordAsync(account.Name, "two-factor.enable", account.Subject, valid ? AuditOutcome.Succeeded : AuditOutcome.Denied, valid ? "" : "wrong code");
        if (!valid)
        {
            return AccountOutcome.Refused("That code is wrong or has expired: enter the code the app shows now.");
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        string[] codes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        // The code just checked is a second factor: this sign-in counts as a two-factor one from now on.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(ActorClaims.AuthenticationMethod, ActorClaims.MultiFactor)]);
        return AccountOutcome.Done("Two-factor sign-in is on.", codes);
    }

    /// <summary>Staff and auditors may turn it off; doctors and administrators keep it.</summary>
    public async Task<AccountOutcome> DisableAsync(AccountView account, string password)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!account.TwoFactor || AccessPolicy.RequiresSecondFactor(account.Roles))
        {
            return AccountOutcome.Refused("Doctors and administrators keep two-factor sign-in on.");
        }

        IdentityUser user = await UserAsync(account);
        if (!await users.CheckPasswordAsync(user, password))
        {
            await audit.RecordAsync(account.Name, "two-factor.disable", account.Subject, AuditOutcome.Denied, "wrong password");
            return await WrongPasswordAsync(account, user, "The password is wrong.");
        }

        IdentityResult off = await AuthenticatorKeys.TurnOffAsync(users, user); // as an administrator's reset does
        await audit.RecordAsync(account.Name, "two-factor.disable", account.Subject, off.Succeeded ? AuditOutcome.Succeeded : AuditOutcome.Failed, off.Succeeded ? "" : off.Describe());
        if (!off.Succeeded)
        {
            return AccountOutcome.Refused($"Two-factor sign-in could not be turned off: {off.Describe()}");
        }

        await signIn.RefreshSignInAsync(user);
        return AccountOutcome.Done("Two-factor sign-in is off.");
    }

    public async Task<AccountOutcome> NewRecoveryCodesAsync(AccountView account, string password)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (!account.TwoFactor)
        {
            return AccountOutcome.Refused("Turn two-factor sign-in on first.");
        }

        IdentityUser user = await UserAsync(account);
        if (!await users.CheckPasswordAsync(user, password))
        {
            await audit.RecordAsync(account.Name, "two-factor.recovery-codes", account.Subject, AuditOutcome.Denied, "wrong password");
            return await WrongPasswordAsync(account, user, "The password is wrong.");
        }

        string[] codes = [.. await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount) ?? []];
        await audit.RecordAsync(account.Name, "two-factor.recovery-codes", account.Subject, AuditOutcome.Succeeded);
        return AccountOutcome.Done("New recovery codes made; the old ones no longer work.", codes);
    }

    /// <summary>The account the page showed, as it is now.</summary>
    /// <exception cref="NotFoundException">It was deleted meanwhile.</exception>
    private async Task<IdentityUser> UserAsync(AccountView account) =>
        await users.FindByIdAsync(account.Id) ?? throw new NotFoundException("This account no longer exists.");

    private async Task<AccountOutcome> WrongPasswordAsync(AccountView account, IdentityUser user, string message)
    {
        await users.AccessFailedAsync(user);
        if (!await users.IsLockedOutAsync(user))
        {
            return AccountOutcome.Refused(message);
        }

        await audit.RecordAsync(account.Name, "sign-out", AccountSignIn.Portal, AuditOutcome.Denied, "locked out after wrong passwords on the account pages");
        await signIn.SignOutAsync();
        return new AccountOutcome(false, SignInText.LockedOut(users.Options), SignedOut: true);
    }
}

/// <summary>The signed-in account as its pages show it (never the identity record: no hash, no key beyond enrolment's).</summary>
internal sealed record AccountView(string Id, string Name, string Email, IReadOnlyList<string> Roles, bool TwoFactor, int RecoveryCodesLeft, string? SharedKey)
{
    public string Subject => $"user/{Email}";

    /// <summary>A Doctor or Admin not enrolled yet: the two-factor page is all the portal shows them.</summary>
    public bool MustEnrol => !TwoFactor && AccessPolicy.RequiresSecondFactor(Roles);
}

/// <summary>What an account action did, in words for the page; the recovery codes when it made some (shown once).</summary>
internal sealed record AccountOutcome(bool Succeeded, string Message, bool SignedOut = false, IReadOnlyList<string>? RecoveryCodes = null)
{
    public static AccountOutcome Done(string message, IReadOnlyList<string>? codes = null) => new(true, message, RecoveryCodes: codes);

    public static AccountOutcome Refused(string message) => new(false, message);
}

using Microsoft.AspNetCore.Identity;

namespace MedCrypt.Portal.Account;

/// <summary>Identity's refusals in its own words: the one way they are put into a message.</summary>
internal static class IdentityErrors
{
    public static string Describe(this IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}

namespace MedCrypt.Portal.Api;

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

/// <summary>The body of <c>POST /api/v1/auth/refresh</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);

namespace MedCrypt.Domain.Access;

/// <summary>
/// Who is acting: the account's id (empty for the system), the name the audit log records, the roles it held when it
/// signed in, and whether that sign-in proved a second factor (an authenticator's code or a recovery code).
/// </summary>
public sealed record Actor(string Id, string Name, IReadOnlySet<string> Roles, bool SecondFactor = false)
{
    public static Actor Anonymous { get; } = new("", "anonymous", new HashSet<string>());

    /// <summary>The installation itself (resuming a job at start-up), with the roles the job needs.</summary>
    public static Actor System(string what, params string[] roles) => new("", $"system ({what})", new HashSet<string>(roles), SecondFactor: true) { IsSystem = true };

    /// <summary>The installation, acting without an account: there is no account to re-check at the moment of use.</summary>
    public bool IsSystem { get; private init; }

    /// <summary>A role that sees originals or runs the installation, signed in with a password alone: nothing is allowed until they enrol.</summary>
    public bool NeedsSecondFactor => !SecondFactor && AccessPolicy.RequiresSecondFactor(Roles);

    public bool May(Permission permission) => !NeedsSecondFactor && AccessPolicy.Allows(Roles, permission);

    /// <summary>The account is this actor's own: by id, or by the name the audit log records where the token carried no id.</summary>
    public bool IsAccount(string? id, string? name) => !IsSystem && ((Id.Length > 0 && id == Id) || IsNamed(name));

    /// <summary>The name (an audit actor, a requester) is this actor's.</summary>
    public bool IsNamed(string? name) => !IsSystem && name is not null && string.Equals(name, Name, StringComparison.OrdinalIgnoreCase);
}

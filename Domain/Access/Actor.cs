namespace MedCrypt.Domain.Access;

/// <summary>Who is acting: the account's id (empty for the system), the name the audit log records, and the roles it holds now.</summary>
public sealed record Actor(string Id, string Name, IReadOnlySet<string> Roles)
{
    public static Actor Anonymous { get; } = new("", "anonymous", new HashSet<string>());

    /// <summary>The installation itself (resuming a job at start-up), with the roles the job needs.</summary>
    public static Actor System(string what, params string[] roles) => new("", $"system ({what})", new HashSet<string>(roles));

    public bool May(Permission permission) => AccessPolicy.Allows(Roles, permission);
}

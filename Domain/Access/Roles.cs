namespace MedCrypt.Domain.Access;

/// <summary>The four roles. What each may do is <see cref="AccessPolicy"/>'s table, and only there.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Staff = "Staff";
    public const string Doctor = "Doctor";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Staff, Doctor, Auditor];
}

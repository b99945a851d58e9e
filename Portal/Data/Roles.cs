namespace MedCrypt.Portal.Data;

/// <summary>The four roles. Staff upload and analyse; doctors also decrypt; auditors read history and audit only; admins everything.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Staff = "Staff";
    public const string Doctor = "Doctor";
    public const string Auditor = "Auditor";

    public static readonly IReadOnlyList<string> All = [Admin, Staff, Doctor, Auditor];
}

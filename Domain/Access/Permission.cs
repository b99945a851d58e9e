namespace MedCrypt.Domain.Access;

/// <summary>What a person may do. Roles grant permissions (<see cref="AccessPolicy"/>); everything else asks for a permission, never a role.</summary>
public enum Permission
{
    /// <summary>Upload a scan and have it protected and classified.</summary>
    Analyse,

    /// <summary>Open a study: its protected image, predictions and heat maps drawn over protected pixels.</summary>
    ViewProtected,

    /// <summary>Decrypt a study's original, and anything drawn from it (metrics against it, heat maps in its coordinates).</summary>
    ViewOriginal,

    /// <summary>Send a study's original to another institution, encrypted to it and signed (it leaves the hospital).</summary>
    SendStudies,

    /// <summary>The prediction history, the dashboard's figures and their CSV export: no images.</summary>
    ReadHistory,

    /// <summary>The audit log and its verification.</summary>
    ReadAudit,

    /// <summary>Scheme keys, master-key rotation, re-encryption.</summary>
    AdministerKeys,

    /// <summary>Accounts, roles, locks.</summary>
    AdministerUsers,

    /// <summary>The system page and the metrics endpoint.</summary>
    OperateSystem,
}

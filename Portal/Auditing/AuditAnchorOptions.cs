using MedCrypt.Portal.KeyEncryption;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The "Audit" section: where the tree-head signing key, its public key and the published heads live, and how often
/// a head is published. Empty paths sit beside the key-encryption key file (outside the database and App_Data),
/// named after it: medcrypt.kek → medcrypt.audit-key, medcrypt.audit-key.pub, medcrypt.audit-heads.jsonl.
/// </summary>
public sealed class AuditAnchorOptions
{
    public string? SigningKeyFile { get; set; }

    public string? PublicKeyFile { get; set; }

    /// <summary>Append-only JSON lines, one signed head each. Point it at storage the database's writers cannot change (another host, a `chattr +a` file, a log shipper).</summary>
    public string? HeadsFile { get; set; }

    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest the log may go on growing without a signed head, whatever keeps the publisher from signing (the
    /// database away, the heads file unwritable, a full scan that keeps failing): past it, audited actions wait (503)
    /// until a head is published. Entries since the last head are what a restart could lose unnoticed.
    /// </summary>
    public TimeSpan MaxUnanchored { get; set; } = TimeSpan.FromMinutes(3);

    public static AuditAnchorOptions Resolve(IConfiguration configuration)
    {
        AuditAnchorOptions options = configuration.GetSection("Audit").Get<AuditAnchorOptions>() ?? new AuditAnchorOptions();
        KeyEncryptionOptions kek = configuration.GetSection("KeyEncryption").Get<KeyEncryptionOptions>() ?? new KeyEncryptionOptions();
        string beside = Path.ChangeExtension(kek.ResolveKeyFile(), null);
        options.SigningKeyFile = Full(options.SigningKeyFile, beside + ".audit-key");
        options.PublicKeyFile = Full(options.PublicKeyFile, options.SigningKeyFile + ".pub");
        options.HeadsFile = Full(options.HeadsFile, beside + ".audit-heads.jsonl");
        return options;
    }

    private static string Full(string? configured, string fallback) => Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? fallback : configured);
}

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Where the key-encryption key comes from (configuration section "KeyEncryption"): a key file by default, or an
/// X.509 certificate with an RSA key when <see cref="CertificateFile"/> is set.
/// </summary>
public sealed class KeyEncryptionOptions
{
    /// <summary>The KEK file (32 random bytes, owner-only). Empty: medcrypt/medcrypt.kek in the user's configuration folder.</summary>
    public string? KeyFile { get; set; }

    /// <summary>A PKCS#12 (.pfx) file with an RSA certificate and its private key, instead of the key file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The environment variable that holds the certificate file's password (never configuration files).</summary>
    public string CertificatePasswordVariable { get; set; } = "MEDCRYPT_KEK_CERTIFICATE_PASSWORD";

    public bool UsesCertificate => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>
    /// The key file's full path. The default is outside the application and its App_Data folder (where the SQLite
    /// database lives), so copying the database, its folder or the deployed binaries never takes the KEK along.
    /// </summary>
    public string ResolveKeyFile()
    {
        if (!string.IsNullOrWhiteSpace(KeyFile))
        {
            return Path.GetFullPath(KeyFile);
        }

        string config = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(config))
        {
            throw new InvalidOperationException(
                "This account has no configuration folder for the key-encryption key: set KeyEncryption:KeyFile (KeyEncryption__KeyFile) to a path outside the database's folder.");
        }

        return Path.Combine(config, "medcrypt", "medcrypt.kek");
    }
}

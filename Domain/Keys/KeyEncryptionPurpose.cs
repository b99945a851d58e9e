namespace MedCrypt.Domain.Keys;

/// <summary>
/// What a KEK-wrapped secret is for. Each purpose is its own HKDF-SHA256 sub-key of a key file, so the key that
/// protects sign-in (the Data Protection key ring) never wraps data keys, and the other way round.
/// </summary>
public static class KeyEncryptionPurpose
{
    /// <summary>The key store's master and scheme keys.</summary>
    public const string KeyStore = "key-store";

    /// <summary>Data Protection's XML key ring (cookies, bearer tokens, antiforgery, Identity's tokens).</summary>
    public const string DataProtectionKeyRing = "data-protection-key-ring";

    /// <summary>Authenticator secrets and recovery codes (Identity's user tokens).</summary>
    public const string UserTokens = "user-tokens";

    /// <summary>The seals over the institutions administrators added (their public keys are trust anchors for transfers).</summary>
    public const string Institutions = "institutions";
}

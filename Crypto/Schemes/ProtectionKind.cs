namespace MedCrypt.Crypto.Schemes;

/// <summary>What a scheme's output is worth against someone who holds it without the key — said plainly to users.</summary>
public enum ProtectionKind
{
    /// <summary>A fresh key- and nonce-derived transform per image: the protected pixels reveal nothing useful without the key.</summary>
    Encryption,

    /// <summary>
    /// One key-derived transform shared by every image (Tanaka's block-wise family): it hides the picture from a glance,
    /// but a ciphertext-only attack on the protected pixels alone recovers the anatomy. For research and comparison.
    /// </summary>
    Obfuscation,

    /// <summary>A keyless, irreversible filter: the anatomy stays visible. Not protection.</summary>
    Filter,
}

namespace MedCrypt.Domain.Transfer;

/// <summary>Why a transfer package was refused (the API's problem says it as <c>reason</c>).</summary>
public enum PackageRefusal
{
    /// <summary>Not a package, truncated, or its parts do not add up.</summary>
    Malformed,

    /// <summary>Encrypted to another institution's key.</summary>
    Misaddressed,

    /// <summary>Signed by a key no administrator here added.</summary>
    UnknownSender,

    /// <summary>The signature does not verify: altered after signing.</summary>
    Tampered,

    /// <summary>Past its expiry, or dated in the future.</summary>
    Expired,
}

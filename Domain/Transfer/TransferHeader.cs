namespace MedCrypt.Domain.Transfer;

/// <summary>
/// A package's clear header: who sent it to whom, when, until when. Not secret (it names institutions and key
/// fingerprints, never a patient), but bound to the ciphertext as its associated data and covered by the signature.
/// </summary>
public sealed record TransferHeader(string Format, Guid PackageId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, TransferParty Sender, TransferParty Recipient)
{
    public const string CurrentFormat = "medcrypt-transfer/1";
}

/// <summary>An institution as a header names it: its name and the fingerprint of the key that matters (the sender's signing key, the recipient's agreement key).</summary>
public sealed record TransferParty(string Name, string Fingerprint);

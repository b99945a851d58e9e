namespace MedCrypt.Domain.Transfer;

/// <summary>A study that arrived in a package: which package, from which institution, and what its manifest said; stored with the study in one transaction.</summary>
public sealed record StudyReceipt(Guid PackageId, Institution Sender, TransferManifest Manifest)
{
    /// <summary>The words the study's audit entry starts with.</summary>
    public string Describe() =>
        $"received from {Sender.Name} (signing key {KeyFingerprint.Short(Sender.Card.SigningFingerprint)}), package {PackageId:D}, sent by {Manifest.SentBy}";
}

using MedCrypt.Crypto.Schemes;
using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// Takes in a package another institution sent: addressed to this installation, signed by an institution an
/// administrator added, within its validity, never taken in before; then decrypted and filed as a new study —
/// protected under this installation's own keys and screened as an upload is (<see cref="AnalyseStudy"/>), the
/// package recorded in the replay ledger in the same transaction. A refusal is audited (<see cref="Action"/>) and
/// leaves nothing behind; the study's own entry (<c>study.received</c>) names the sender and the package.
/// </summary>
public sealed class ReceiveStudy(AccessGuard guard, AuditLog audit, IInstitutionStore institutions, TransferIdentity identity, AnalyseStudy analyse, SchemeCatalog schemes, TransferSettings settings, TimeProvider clock)
{
    public const string Action = "study.receive";

    /// <exception cref="AccessDeniedException">The actor may not analyse.</exception>
    /// <exception cref="PackageRefusedException">Malformed, addressed to another institution, from an unknown sender, altered, or out of its validity.</exception>
    /// <exception cref="ConflictException">Taken in before (a replay).</exception>
    /// <exception cref="RejectedInputException">A scheme that is not encryption: nothing of the package is opened or used up.</exception>
    public async Task<StudyDetails> RunAsync(Actor actor, ReadOnlyMemory<byte> bytes, string schemeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await guard.DemandAsync(actor, Permission.Analyse, Action, "package", cancellationToken: cancellationToken).ConfigureAwait(false);
        // Whoever takes a package in never held its image (the sender sealed it to this installation), so it is filed
        // under encryption only: a filter or an obfuscation would hand the anatomy to anyone who may view protected images.
        if (!schemes.TryGet(schemeId, out ImageProtectionScheme? scheme) || scheme.Kind != ProtectionKind.Encryption)
        {
            var weak = new RejectedInputException(
                $"A received study is protected by encryption only; '{schemeId}' is {(scheme is null ? "no scheme here" : scheme.Kind.ToString().ToLowerInvariant())}. Choose one of: {string.Join(", ", schemes.All.Where(s => s.Kind == ProtectionKind.Encryption).Select(s => s.Id))}.");
            await audit.RecordAsync(actor.Name, Action, "package", AuditOutcome.Denied, weak.Message, cancellationToken).ConfigureAwait(false);
            throw weak;
        }

        string subject = "package";
        try
        {
            TransferPackage package = TransferPackage.Read(bytes);
            subject = $"package/{package.Header.PackageId:D}";
            (StudyReceipt receipt, byte[] png) = await OpenAsync(package, cancellationToken).ConfigureAwait(false);
            // Screened, protected and stored as an upload is; a replay racing this one loses at the ledger's key.
            return await analyse.RunAsync(actor, receipt.Manifest.FileName, png, schemeId, receipt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PackageRefusedException or ConflictException)
        {
            await audit.RecordAsync(actor.Name, Action, subject, AuditOutcome.Denied, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every check that needs no decryption first (the cheap ones, and the signature before the private key is used), then the payload.</summary>
    private async Task<(StudyReceipt Receipt, byte[] Png)> OpenAsync(TransferPackage package, CancellationToken cancellationToken)
    {
        TransferHeader header = package.Header;
        InstallationIdentity me = await identity.CurrentAsync(cancellationToken).ConfigureAwait(false);
        if (header.Recipient.Fingerprint != me.Card.AgreementFingerprint)
        {
            throw new PackageRefusedException(PackageRefusal.Misaddressed,
                $"The package is addressed to {header.Recipient.Name} (agreement key {KeyFingerprint.Short(header.Recipient.Fingerprint)}), not to this installation ({KeyFingerprint.Short(me.Card.AgreementFingerprint)}). Nothing was imported.");
        }

        Institution sender = await institutions.FindBySigningKeyAsync(header.Sender.Fingerprint, cancellationToken).ConfigureAwait(false)
            ?? throw new PackageRefusedException(PackageRefusal.UnknownSender,
                $"The package says it is from {header.Sender.Name} (signing key {KeyFingerprint.Short(header.Sender.Fingerprint)}), an institution no administrator here has added. Nothing was imported.");
        if (!package.SignedBy(sender.Card.SigningKey))
        {
            throw new PackageRefusedException(PackageRefusal.Tampered,
                $"The package's signature does not verify under {sender.Name}'s key: it was altered after it was signed. Nothing was imported.");
        }

        DateTimeOffset now = clock.GetUtcNow();
        if (now > header.ExpiresAt || header.CreatedAt > now + settings.ClockSkew || header.ExpiresAt - header.CreatedAt > settings.MaxAcceptedLifetime)
        {
            throw new PackageRefusedException(PackageRefusal.Expired,
                $"The package was valid from {header.CreatedAt:u} to {header.ExpiresAt:u}; it is {now:u} here (at most {settings.MaxAcceptedLifetime.TotalDays:0} days are accepted). Ask {sender.Name} to send it again.");
        }

        if (await institutions.ReceivedAsync(sender.Card.SigningFingerprint, header.PackageId, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            throw new ConflictException($"Package {header.PackageId:D} was taken in already, on {earlier.ReceivedAt:u}, as study {earlier.StudyId:D}: a package is taken in once.");
        }

        TransferPayload payload = TransferPayload.Parse(package.Open(me));
        return (new StudyReceipt(header.PackageId, sender, payload.Manifest), payload.Png);
    }
}

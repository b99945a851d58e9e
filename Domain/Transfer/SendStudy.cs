using MedCrypt.Domain.Access;
using MedCrypt.Domain.Failures;
using MedCrypt.Domain.Studies;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// A doctor sends a study to another institution: its original, decrypted here, goes into one package encrypted to
/// that institution's agreement key and signed with this installation's key. One audit entry (<see cref="Action"/>)
/// whatever the end, naming the recipient and the package.
/// </summary>
public sealed class SendStudy(AccessGuard guard, StudyAccess access, StudyImages images, IStudyStore studies, IInstitutionStore institutions, TransferIdentity identity, TransferSettings settings, TimeProvider clock)
{
    public const string Action = "study.send";

    /// <summary>The institutions a study may be sent to, for the doctor's choice (names only matter here; no patient data, so not an entry unless refused).</summary>
    /// <exception cref="AccessDeniedException">Not a doctor (audited).</exception>
    public async Task<IReadOnlyList<Institution>> RecipientsAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.SendStudies, "institution.recipients", "institutions", cancellationToken: cancellationToken).ConfigureAwait(false);
        return await institutions.ListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="AccessDeniedException">Not a doctor, or no longer one (checked at this moment).</exception>
    /// <exception cref="NotFoundException">No such study or institution.</exception>
    public Task<SentPackage> RunAsync(Actor actor, Guid studyId, Guid institutionId, CancellationToken cancellationToken) =>
        access.RunAsync(actor, Permission.SendStudies, Action, studyId, async (study, ct) =>
        {
            Institution recipient = await institutions.FindAsync(institutionId, ct).ConfigureAwait(false)
                ?? throw new NotFoundException($"There is no institution {institutionId}: an administrator adds it first (Administration → Institutions).");
            StudyDetails details = await studies.FindAsync(studyId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no study {studyId}.");
            InstallationIdentity me = await identity.CurrentAsync(ct).ConfigureAwait(false);
            DateTimeOffset now = clock.GetUtcNow();
            var header = new TransferHeader(
                TransferHeader.CurrentFormat, Guid.NewGuid(), now, now + settings.PackageLifetime,
                new TransferParty(me.Card.Name, me.Card.SigningFingerprint), new TransferParty(recipient.Name, recipient.Card.AgreementFingerprint));
            var payload = new TransferPayload(
                new TransferManifest(study.Id, details.FileName, actor.Name, details.Dicom?.PatientPseudonym, details.Dicom?.Metadata),
                await images.OriginalPngAsync(study, ct).ConfigureAwait(false));
            byte[] package = TransferPackage.Seal(header, payload.ToBytes(), recipient.Card.AgreementKey, me);
            return (new SentPackage(header.PackageId, $"study-{study.Id:N}"[..14] + TransferPackage.FileExtension, package),
                $"to {recipient.Name} (agreement key {KeyFingerprint.Short(recipient.Card.AgreementFingerprint)}), package {header.PackageId:D}, valid until {header.ExpiresAt:u}");
        }, cancellationToken);
}

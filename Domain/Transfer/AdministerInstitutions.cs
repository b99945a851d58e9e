using MedCrypt.Domain.Access;
using MedCrypt.Domain.Auditing;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// Administrators manage the institutions studies may be sent to and taken from: this installation's own card (to
/// hand to the others), the list with each key's fingerprint, adding a card, removing one. Key administration's
/// permission; every action, allowed or denied, audited.
/// </summary>
public sealed class AdministerInstitutions(AccessGuard guard, AuditLog audit, IInstitutionStore institutions, TransferIdentity identity, TimeProvider clock)
{
    /// <summary>The audit action of a removal; the store reads these entries, so that a removed row put back stays removed.</summary>
    public const string RemoveAction = "institution.remove";

    /// <summary>An institution as audit entries name it.</summary>
    public static string Subject(Guid id) => $"institution/{id:D}";

    /// <exception cref="AccessDeniedException">Not a key administrator (audited).</exception>
    public async Task<InstitutionCard> OwnCardAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerKeys, "institution.card", "institution/self", cancellationToken: cancellationToken).ConfigureAwait(false);
        InstitutionCard card = (await identity.CurrentAsync(cancellationToken).ConfigureAwait(false)).Card;
        await audit.RecordAsync(actor.Name, "institution.card", "institution/self", AuditOutcome.Succeeded, $"agreement key {KeyFingerprint.Short(card.AgreementFingerprint)}", cancellationToken).ConfigureAwait(false);
        return card;
    }

    /// <exception cref="AccessDeniedException">Not a key administrator (audited).</exception>
    public async Task<IReadOnlyList<Institution>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        await guard.DemandAsync(actor, Permission.AdministerKeys, "institution.list", "institutions", cancellationToken: cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Institution> list = await institutions.ListAsync(cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(actor.Name, "institution.list", "institutions", AuditOutcome.Succeeded, $"{list.Count} institutions", cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <summary>Adds another installation's card (a JSON file its administrator downloaded); <paramref name="name"/>, when given, replaces the card's own.</summary>
    /// <exception cref="RejectedInputException">Not a card, or this installation's own.</exception>
    /// <exception cref="ConflictException">One of its keys is already another institution's.</exception>
    public async Task<Institution> AddAsync(Actor actor, string cardJson, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(cardJson);
        await guard.DemandAsync(actor, Permission.AdministerKeys, "institution.add", "institutions", cancellationToken: cancellationToken).ConfigureAwait(false);
        Institution institution;
        try
        {
            InstitutionCard card = InstitutionCard.Parse(cardJson);
            if (!string.IsNullOrWhiteSpace(name))
            {
                card = InstitutionCard.Checked(name, card.AgreementKey, card.SigningKey);
            }

            InstitutionCard own = (await identity.CurrentAsync(cancellationToken).ConfigureAwait(false)).Card;
            if (card.SigningFingerprint == own.SigningFingerprint || card.AgreementFingerprint == own.AgreementFingerprint)
            {
                throw new RejectedInputException("That is this installation's own card; add the other hospital's.");
            }

            institution = new Institution(Guid.NewGuid(), card, clock.GetUtcNow(), actor.Name);
            await audit.RecordAsync(actor.Name, "institution.add", Subject(institution.Id), AuditOutcome.Succeeded,
                $"{card.Name}: agreement key {KeyFingerprint.Grouped(card.AgreementFingerprint)}, signing key {KeyFingerprint.Grouped(card.SigningFingerprint)}",
                (entry, ct) => institutions.AddAsync(institution, entry, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RejectedInputException or ConflictException)
        {
            await audit.RecordAsync(actor.Name, "institution.add", "institutions", AuditOutcome.Denied, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        return institution;
    }

    /// <summary>No package is sent to it or taken from it after this; studies taken from it before stay.</summary>
    /// <exception cref="NotFoundException">No such institution (audited).</exception>
    public async Task RemoveAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        string subject = Subject(id);
        await guard.DemandAsync(actor, Permission.AdministerKeys, RemoveAction, subject, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            Institution known = await institutions.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new NotFoundException($"There is no institution {id}.");
            await audit.RecordAsync(actor.Name, RemoveAction, subject, AuditOutcome.Succeeded, known.Name,
                (entry, ct) => institutions.RemoveAsync(id, entry, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            await audit.RecordAsync(actor.Name, RemoveAction, subject, AuditOutcome.Failed, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }
}

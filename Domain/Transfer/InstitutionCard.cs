using System.Text.Json;
using MedCrypt.Crypto.Transfer;
using MedCrypt.Domain.Failures;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// An installation's public face: its name and its two public keys (65-byte P-256 points). Exchanged as a small JSON
/// file between administrators, and trusted only after its fingerprints were compared over another channel.
/// </summary>
public sealed record InstitutionCard(string Name, byte[] AgreementKey, byte[] SigningKey)
{
    public const int MaxNameLength = 120;

    public string AgreementFingerprint => KeyFingerprint.Of(AgreementKey);

    public string SigningFingerprint => KeyFingerprint.Of(SigningKey);

    public string ToJson() => JsonSerializer.Serialize(new Wire("medcrypt-institution/1", Name, Convert.ToBase64String(AgreementKey), Convert.ToBase64String(SigningKey)), WireJson.Options);

    /// <exception cref="RejectedInputException">Not a card, or its keys are not P-256 points.</exception>
    public static InstitutionCard Parse(string json)
    {
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize<Wire>(json, WireJson.Options);
        }
        catch (JsonException e)
        {
            throw new RejectedInputException("That is not an institution card (a JSON file another MedCrypt's administrator downloads from /admin/institutions).", e);
        }

        if (wire is not { Format: "medcrypt-institution/1", Name: { } name, AgreementKey: { } agreement, SigningKey: { } signing })
        {
            throw new RejectedInputException("That is not an institution card: it needs format \"medcrypt-institution/1\", a name and two keys.");
        }

        try
        {
            return Checked(name, Convert.FromBase64String(agreement), Convert.FromBase64String(signing));
        }
        catch (FormatException e)
        {
            throw new RejectedInputException("The card's keys are not base64.", e);
        }
    }

    /// <exception cref="RejectedInputException">An empty or overlong name, or a key that is not a P-256 point.</exception>
    public static InstitutionCard Checked(string name, byte[] agreementKey, byte[] signingKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        if (!IsPrintableName(name))
        {
            throw new RejectedInputException($"An institution's name has 1 to {MaxNameLength} printable characters.");
        }

        if (!Hpke.IsPublicKey(agreementKey) || !Hpke.IsPublicKey(signingKey))
        {
            throw new RejectedInputException("The card's keys are not P-256 public keys (65-byte uncompressed points).");
        }

        if (agreementKey.AsSpan().SequenceEqual(signingKey))
        {
            throw new RejectedInputException("The card gives one key for both agreement and signing; MedCrypt keeps them apart.");
        }

        return new InstitutionCard(name, agreementKey, signingKey);
    }

    /// <summary>1 to <see cref="MaxNameLength"/> characters, none a control or format character (no bidi override, no zero-width space).</summary>
    public static bool IsPrintableName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.Trim().Length > 0
        && !name.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Surrogate);

    private sealed record Wire(string? Format, string? Name, string? AgreementKey, string? SigningKey);
}

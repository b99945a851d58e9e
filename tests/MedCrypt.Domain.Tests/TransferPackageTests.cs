using MedCrypt.Crypto.Keys;
using MedCrypt.Domain.Transfer;

namespace MedCrypt.Domain.Tests;

/// <summary>
/// The package as bytes, without a portal: what the sender's words in the clear header may be (names and fingerprints
/// reach messages and audit entries before the signature is checked), and that only the addressed installation opens it.
/// </summary>
public sealed class TransferPackageTests
{
    private static readonly InstallationIdentity Sender = InstallationIdentity.Derive("Hospital A", SecretKey.Generate());
    private static readonly InstallationIdentity Recipient = InstallationIdentity.Derive("Hospital B", SecretKey.Generate());

    [Fact]
    public void The_addressed_installation_opens_what_the_sender_signed_and_no_other()
    {
        byte[] payload = [1, 2, 3, 4, 5];
        byte[] bytes = TransferPackage.Seal(Header(), payload, Recipient.Card.AgreementKey, Sender);
        TransferPackage package = TransferPackage.Read(bytes);

        Assert.True(package.SignedBy(Sender.Card.SigningKey));
        Assert.False(package.SignedBy(Recipient.Card.SigningKey));
        Assert.Equal(payload, package.Open(Recipient));
        PackageRefusedException other = Assert.Throws<PackageRefusedException>(() => package.Open(InstallationIdentity.Derive("C", SecretKey.Generate())));
        Assert.Equal(PackageRefusal.Misaddressed, other.Reason);
    }

    [Fact]
    public void Identities_are_derived_the_same_way_from_the_same_secret_and_keep_agreement_and_signing_apart()
    {
        using SecretKey secret = SecretKey.Generate();
        InstallationIdentity once = InstallationIdentity.Derive("X", secret), again = InstallationIdentity.Derive("X", secret);
        Assert.Equal(once.Card.AgreementKey, again.Card.AgreementKey);
        Assert.Equal(once.Card.SigningKey, again.Card.SigningKey);
        Assert.NotEqual(once.Card.AgreementKey, once.Card.SigningKey);
        InstitutionCard parsed = InstitutionCard.Parse(once.Card.ToJson());
        Assert.Equal((once.Card.Name, once.Card.AgreementFingerprint, once.Card.SigningFingerprint), (parsed.Name, parsed.AgreementFingerprint, parsed.SigningFingerprint));
    }

    public static TheoryData<string> HostileHeaders() => new("control", "long", "fingerprint", "empty-id", "format");

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void A_header_with_hostile_or_missing_words_is_malformed_before_anything_else(string change)
    {
        TransferHeader header = Header();
        header = change switch
        {
            "control" => header with { Sender = header.Sender with { Name = "Hospital\nA" } },
            "long" => header with { Sender = header.Sender with { Name = new string('A', 3000) } },
            "fingerprint" => header with { Recipient = header.Recipient with { Fingerprint = "short" } },
            "empty-id" => header with { PackageId = Guid.Empty },
            _ => header with { Format = "medcrypt-transfer/0" },
        };
        byte[] bytes = TransferPackage.Seal(header, [9], Recipient.Card.AgreementKey, Sender);

        Assert.Equal(PackageRefusal.Malformed, Assert.Throws<PackageRefusedException>(() => TransferPackage.Read(bytes)).Reason);
    }

    [Fact]
    public void Lengths_that_do_not_add_up_are_malformed_whatever_they_say()
    {
        byte[] bytes = TransferPackage.Seal(Header(), [1, 2, 3], Recipient.Card.AgreementKey, Sender);
        foreach (byte[] broken in new[]
        {
            bytes[..4], bytes[..9], bytes[..^1], [.. bytes, 0],
            With(bytes, 5, [0x7F, 0xFF, 0xFF, 0xFF]), // a header length near int.MaxValue
            With(bytes, 5, [0xFF, 0xFF, 0xFF, 0xFF]), // negative
            With(bytes, 5, [0, 0, 0, 0]),
        })
        {
            Assert.Equal(PackageRefusal.Malformed, Assert.Throws<PackageRefusedException>(() => TransferPackage.Read(broken)).Reason);
        }
    }

    private static TransferHeader Header() => new(
        TransferHeader.CurrentFormat, Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1),
        new TransferParty(Sender.Card.Name, Sender.Card.SigningFingerprint), new TransferParty(Recipient.Card.Name, Recipient.Card.AgreementFingerprint));

    private static byte[] With(byte[] bytes, int at, byte[] replacement)
    {
        byte[] copy = [.. bytes];
        replacement.CopyTo(copy, at);
        return copy;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using MedCrypt.Crypto.Transfer;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// A study on its way to another hospital: encrypted to the recipient's agreement key with HPKE (RFC 9180, base
/// mode, the header as associated data) and signed by the sender's installation key over every byte before the
/// signature. Reading checks only the form; <see cref="SignedBy"/> and <see cref="Open"/> do the rest.
/// </summary>
/// <remarks>
/// Layout, version 1 (lengths big-endian):
/// <code>
/// "MCTP" 0x01 | header length (4) | header (UTF-8 JSON, <see cref="TransferHeader"/>)
/// encapsulated key (65) | ciphertext length (4) | ciphertext ‖ tag
/// signature (64, ECDSA P-256 SHA-256, r ‖ s)
/// </code>
/// What it does not hide: who sends to whom, when, and the payload's size.
/// </remarks>
public sealed class TransferPackage
{
    public const string FileExtension = ".mctp";
    public const int MaxHeaderBytes = 4096;

    private const int Prefix = 5;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Range _header, _encapsulatedKey, _ciphertext, _signed, _signature;

    private TransferPackage(ReadOnlyMemory<byte> bytes, TransferHeader header, int headerLength, int ciphertextLength)
    {
        _bytes = bytes;
        Header = header;
        _header = new Range(Prefix + 4, Prefix + 4 + headerLength);
        _encapsulatedKey = new Range(_header.End, _header.End.Value + Hpke.PublicKeySize);
        _ciphertext = new Range(_encapsulatedKey.End.Value + 4, _encapsulatedKey.End.Value + 4 + ciphertextLength);
        _signed = new Range(0, _ciphertext.End);
        _signature = new Range(_ciphertext.End, bytes.Length);
    }

    public TransferHeader Header { get; }

    private static ReadOnlySpan<byte> Magic => "MCTP\u0001"u8;

    private static ReadOnlySpan<byte> Info => "medcrypt/v1/study-transfer"u8;

    /// <summary>Whether the bytes begin as a package does (to tell one from a scan on upload).</summary>
    public static bool LooksLikePackage(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static byte[] Seal(TransferHeader header, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> recipientAgreementKey, InstallationIdentity sender)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(sender);
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header, WireJson.Options);
        int ciphertextLength = Hpke.GetCiphertextLength(payload.Length);
        var package = new byte[checked(Prefix + 4 + headerBytes.Length + Hpke.PublicKeySize + 4 + ciphertextLength + PackageSignature.Size)];
        Span<byte> span = package;
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32BigEndian(span[Prefix..], headerBytes.Length);
        headerBytes.CopyTo(span[(Prefix + 4)..]);
        int at = Prefix + 4 + headerBytes.Length;
        BinaryPrimitives.WriteInt32BigEndian(span[(at + Hpke.PublicKeySize)..], ciphertextLength);
        Hpke.Seal(recipientAgreementKey, Info, headerBytes, payload, span.Slice(at, Hpke.PublicKeySize), span.Slice(at + Hpke.PublicKeySize + 4, ciphertextLength));
        int signed = package.Length - PackageSignature.Size;
        sender.Sign(span[..signed]).CopyTo(span[signed..]);
        return package;
    }

    /// <exception cref="PackageRefusedException">Not a package of this version, truncated, or its lengths do not add up.</exception>
    public static TransferPackage Read(ReadOnlyMemory<byte> bytes)
    {
        ReadOnlySpan<byte> span = bytes.Span;
        if (!span.StartsWith(Magic))
        {
            throw Malformed("it does not begin as a MedCrypt transfer package (version 1) does");
        }

        int headerLength = span.Length < Prefix + 4 ? 0 : BinaryPrimitives.ReadInt32BigEndian(span[Prefix..]);
        if (headerLength is <= 0 or > MaxHeaderBytes || span.Length < Prefix + 4 + headerLength + Hpke.PublicKeySize + 4)
        {
            throw Malformed("its header is cut short or out of bounds");
        }

        int at = Prefix + 4 + headerLength + Hpke.PublicKeySize;
        int ciphertextLength = BinaryPrimitives.ReadInt32BigEndian(span[at..]);
        if (ciphertextLength < Hpke.TagSize || (long)at + 4 + ciphertextLength + PackageSignature.Size != span.Length)
        {
            throw Malformed($"it is {span.Length} bytes, not what its lengths add up to (truncated, or bytes added)");
        }

        TransferHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<TransferHeader>(span.Slice(Prefix + 4, headerLength), WireJson.Options);
        }
        catch (JsonException e)
        {
            throw Malformed("its header is not readable", e);
        }

        if (header is not { Format: TransferHeader.CurrentFormat, Sender: { } sender, Recipient: { } recipient } || header.PackageId == Guid.Empty
            || !WellFormed(sender) || !WellFormed(recipient))
        {
            throw Malformed("its header lacks the format or the package id, or names a party without a proper name and key fingerprint");
        }

        return new TransferPackage(bytes, header, headerLength, ciphertextLength);
    }

    /// <summary>Whether the signature over the package verifies under <paramref name="signingKey"/>.</summary>
    public bool SignedBy(ReadOnlySpan<byte> signingKey) =>
        PackageSignature.Verify(signingKey, _bytes.Span[_signed], _bytes.Span[_signature]);

    /// <summary>The payload; call after the signature was checked.</summary>
    /// <exception cref="PackageRefusedException">It does not decrypt under this installation's key.</exception>
    public byte[] Open(InstallationIdentity recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ReadOnlySpan<byte> span = _bytes.Span;
        var payload = new byte[span[_ciphertext].Length - Hpke.TagSize];
        try
        {
            recipient.Open(span[_encapsulatedKey], Info, span[_header], span[_ciphertext], payload);
            return payload;
        }
        catch (CryptographicException e)
        {
            throw new PackageRefusedException(PackageRefusal.Misaddressed, "The package does not decrypt under this installation's key: it was encrypted to another one.", e);
        }
    }

    // The header is the sender's words until the signature is checked: its names and fingerprints reach messages and audit entries.
    private static bool WellFormed(TransferParty party) =>
        InstitutionCard.IsPrintableName(party.Name) && KeyFingerprint.IsWellFormed(party.Fingerprint);

    private static PackageRefusedException Malformed(string why, Exception? inner = null) =>
        new(PackageRefusal.Malformed, $"This is not a readable transfer package: {why}. Nothing was imported.", inner);
}

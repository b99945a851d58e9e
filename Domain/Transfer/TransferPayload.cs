using System.Buffers.Binary;
using System.Text.Json;

namespace MedCrypt.Domain.Transfer;

/// <summary>
/// What a package carries, once decrypted: the original image (PNG, as the sender decrypted it) and a manifest. No
/// patient identity: a DICOM study's identity was never stored, only the sender's pseudonym, which the recipient keys
/// again under its own pseudonym key (it groups one patient's studies from one sender, and is no use elsewhere).
/// </summary>
/// <remarks>Layout: manifest length (4, big-endian) | manifest (UTF-8 JSON) | PNG.</remarks>
public sealed record TransferPayload(TransferManifest Manifest, byte[] Png)
{
    public byte[] ToBytes()
    {
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(Manifest, WireJson.Options);
        var bytes = new byte[4 + manifest.Length + Png.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, manifest.Length);
        manifest.CopyTo(bytes, 4);
        Png.CopyTo(bytes, 4 + manifest.Length);
        return bytes;
    }

    /// <exception cref="PackageRefusedException">The decrypted payload does not hold a manifest and an image (a signed package from a broken sender).</exception>
    public static TransferPayload Parse(ReadOnlySpan<byte> bytes)
    {
        int length = bytes.Length < 4 ? -1 : BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (length <= 0 || length > bytes.Length - 4)
        {
            throw Refused("its manifest is cut short");
        }

        TransferManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<TransferManifest>(bytes.Slice(4, length), WireJson.Options);
        }
        catch (JsonException e)
        {
            throw Refused("its manifest is not readable", e);
        }

        return manifest is { FileName: not null, SentBy: { Length: > 0 and <= 256 } sentBy } && !sentBy.Any(char.IsControl) && bytes.Length > 4 + length
            ? new TransferPayload(manifest, bytes[(4 + length)..].ToArray())
            : throw Refused("it lacks the file name, the sender or the image");
    }

    private static PackageRefusedException Refused(string why, Exception? inner = null) =>
        new(PackageRefusal.Malformed, $"The package decrypts, but {why}. Nothing was imported.", inner);
}

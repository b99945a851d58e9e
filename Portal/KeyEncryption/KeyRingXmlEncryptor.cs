using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using MedCrypt.Domain.Keys;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Encrypts each Data Protection key's secret (its XML descriptor) with AES-256-GCM under the KEK's key-ring
/// sub-key before the ring is written to the database, so the ring can stay shared by every instance while a copy
/// of the database signs nothing.
/// </summary>
internal sealed class KeyRingXmlEncryptor(IKeyEncryptionKey kek) : IXmlEncryptor
{
    /// <summary>Every ring element is sealed with this, so a wrapped blob cannot be passed off as another purpose's.</summary>
    internal static ReadOnlySpan<byte> AssociatedData => "medcrypt/data-protection-key-ring/v1"u8;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        byte[] xml = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            byte[] wrapped = kek.Wrap(KeyEncryptionPurpose.DataProtectionKeyRing, xml, AssociatedData);
            var element = new XElement(
                "encryptedKey",
                new XComment(" AES-256-GCM under the MedCrypt key-encryption key named below (which is not in this database). "),
                new XAttribute("kek", kek.Id),
                new XElement("value", Convert.ToBase64String(wrapped)));
            return new EncryptedXmlInfo(element, typeof(KeyRingXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(xml);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using MedCrypt.Domain.Keys;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Opens what <see cref="KeyRingXmlEncryptor"/> wrote. Data Protection makes it by the type name in the ring's XML,
/// with the service provider as its one argument.
/// </summary>
internal sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        IKeyEncryptionKey kek = services.GetService<IKeyEncryptionKey>()
            ?? throw new InvalidOperationException("This Data Protection key is encrypted under MedCrypt's key-encryption key, and none is configured.");
        string value = encryptedElement.Element("value")?.Value
            ?? throw new CryptographicException("The encrypted Data Protection key has no value.");
        byte[] xml = kek.Unwrap(KeyEncryptionPurpose.DataProtectionKeyRing, Convert.FromBase64String(value), KeyRingXmlEncryptor.AssociatedData);
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(xml));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(xml);
        }
    }
}

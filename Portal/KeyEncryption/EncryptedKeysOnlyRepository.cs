using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Data Protection trusts every key its repository hands it. The ring lives in the database, so whoever can write
/// there could add a key of their own — in the clear, or "encrypted" with Data Protection's own null encryptor — and
/// sign a Doctor's cookie with it. Once the start-up upgrade allows (it may still need an earlier version's clear keys
/// to re-wrap what they protect, then revokes them), this repository hands over only keys whose secret is encrypted by
/// the portal's own encryptor: under the key-encryption key (which a database writer does not have), or the
/// certificate. Revocations pass: they only take trust away.
/// </summary>
internal sealed class EncryptedKeysOnlyRepository(IXmlRepository inner, bool certificateMode, ILogger logger) : IXmlRepository
{
    private volatile bool _enforcing;

    /// <summary>From now on, keys not encrypted by the portal's encryptor are ignored (and logged).</summary>
    public void Enforce() => _enforcing = true;

    /// <summary>
    /// A ring element the portal can trust: anything but a key, or a key whose one secret names the portal's decryptor
    /// and carries no key material in the clear. (A forged secret under the right decryptor does not decrypt: AES-GCM
    /// under the KEK refuses it. In certificate mode anyone with the public certificate could encrypt one: see the threat model.)
    /// </summary>
    public static bool IsTrusted(XElement element, bool certificateMode)
    {
        if (element.Name.LocalName != "key")
        {
            return true;
        }

        string decryptor = (certificateMode ? typeof(EncryptedXmlDecryptor) : typeof(KeyRingXmlDecryptor)).FullName!;
        XElement[] secrets = [.. element.Descendants().Where(d => d.Name.LocalName == "encryptedSecret")];
        return secrets.Length == 1
            && ((string?)secrets[0].Attribute("decryptorType"))?.StartsWith(decryptor + ",", StringComparison.Ordinal) == true
            && !element.Descendants().Any(d => d.Name.LocalName is "masterKey" or "unencryptedKey");
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        IReadOnlyCollection<XElement> all = inner.GetAllElements();
        if (!_enforcing)
        {
            return all;
        }

        var trusted = new List<XElement>(all.Count);
        foreach (XElement element in all)
        {
            if (!IsTrusted(element, certificateMode))
            {
                logger.LogWarning("Data Protection key {KeyId} is not encrypted by this portal and is ignored: someone wrote it into the database.",
                    (string?)element.Attribute("id"));
                continue;
            }

            trusted.Add(element);
        }

        return trusted;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);
}

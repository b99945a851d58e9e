using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace MedCrypt.Portal.KeyEncryption;

/// <summary>
/// Data Protection trusts every key its repository hands it. The ring lives in the database, so whoever can write
/// there could add a key of their own in the clear and sign a Doctor's cookie with it. Once the start-up upgrade has
/// run (it still needs the earlier version's clear keys to re-wrap what they protect, then revokes them), this
/// repository hands over only keys whose secret is encrypted — under the key-encryption key, which a database writer
/// does not have. Revocations pass: they only take trust away.
/// </summary>
internal sealed class EncryptedKeysOnlyRepository(IXmlRepository inner, ILogger logger) : IXmlRepository
{
    private volatile bool _enforcing;

    /// <summary>From now on, keys stored in the clear are ignored (and logged).</summary>
    public void Enforce() => _enforcing = true;

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
            if (element.Name.LocalName == "key" && !element.Descendants().Any(d => d.Name.LocalName == "encryptedSecret"))
            {
                logger.LogWarning("Data Protection key {KeyId} is stored in the clear and is ignored: only keys encrypted under the key-encryption key are trusted.",
                    (string?)element.Attribute("id"));
                continue;
            }

            trusted.Add(element);
        }

        return trusted;
    }

    public void StoreElement(XElement element, string friendlyName) => inner.StoreElement(element, friendlyName);
}

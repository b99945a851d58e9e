using System.Security.Cryptography;
using System.Text;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// A patient's pseudonym: HMAC-SHA256 of PatientID^IssuerOfPatientID under a key only the key store holds (purpose
/// "patient-pseudonym", wrapped by the key-encryption key), first 16 bytes as hex. The same patient from the same
/// issuer gets the same pseudonym, so their studies group; without the key the ID cannot be guessed back from it,
/// even though hospital IDs are short and enumerable.
/// </summary>
public static class PatientPseudonym
{
    public const string KeyPurpose = "medcrypt/v1/patient-pseudonym";

    /// <summary>
    /// What is hashed: the ID and the issuer, each length-prefixed, so that ("A^B", "") and ("A", "B^") differ. Null
    /// when the file has no real Patient ID (empty, or placeholders such as "***"): grouping those would make one
    /// patient of many.
    /// </summary>
    public static string? KeyOf(string? patientId, string? issuer)
    {
        string id = (patientId ?? "").Trim(), from = (issuer ?? "").Trim();
        return id.Any(char.IsLetterOrDigit) ? $"{id.Length}:{id}|{from.Length}:{from}" : null;
    }

    /// <summary>A study without a real Patient ID: a random pseudonym of the same form, its own group.</summary>
    public static string Ungrouped() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Of(SecretKey key, string patientKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(patientKey);
        Span<byte> hmacKey = stackalloc byte[32];
        key.Derive(KeyPurpose, [], hmacKey);
        try
        {
            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(hmacKey, Encoding.UTF8.GetBytes(patientKey), mac);
            return Convert.ToHexStringLower(mac[..16]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }
}

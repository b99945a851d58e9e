namespace MedCrypt.Crypto.Keys;

/// <summary>A key-encryption key with the identifier written into every envelope it wraps, so it can rotate.</summary>
public sealed record MasterKey
{
    public const int MaxIdLength = 64;

    public MasterKey(string id, SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength || !id.All(c => c is > ' ' and < (char)127))
        {
            throw new ArgumentException(
                $"A master key id is 1 to {MaxIdLength} printable ASCII characters without spaces; got '{id}'.",
                nameof(id));
        }

        Id = id;
        Key = key;
    }

    public string Id { get; }

    public SecretKey Key { get; }
}

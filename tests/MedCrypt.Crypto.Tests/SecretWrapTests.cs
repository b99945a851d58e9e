using System.Security.Cryptography;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Tests;

public sealed class SecretWrapTests
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(SecretWrap.KeySize);
    private readonly byte[] _keyId = RandomNumberGenerator.GetBytes(SecretWrap.KeyIdSize);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _context = "key/master-1"u8.ToArray();

    [Fact]
    public void Unwraps_what_it_wrapped_names_its_key_and_hides_the_secret()
    {
        byte[] wrapped = SecretWrap.Wrap(_key, _keyId, _secret, _context);

        Assert.True(SecretWrap.IsWrapped(wrapped));
        Assert.Equal(SecretWrap.GetWrappedLength(_secret.Length), wrapped.Length);
        Assert.Equal(_keyId, SecretWrap.ReadKeyId(wrapped).ToArray());
        Assert.Equal(_secret, SecretWrap.Unwrap(_key, wrapped, _context));
        Assert.True(wrapped.AsSpan().IndexOf(_secret.AsSpan(0, 8)) < 0, "the secret's bytes are in the wrapped form");
        Assert.NotEqual(wrapped, SecretWrap.Wrap(_key, _keyId, _secret, _context)); // a fresh nonce each time
    }

    [Fact]
    public void Another_key_other_associated_data_or_any_flipped_bit_is_refused()
    {
        byte[] wrapped = SecretWrap.Wrap(_key, _keyId, _secret, _context);

        Assert.Throws<CryptographicException>(() => SecretWrap.Unwrap(RandomNumberGenerator.GetBytes(32), wrapped, _context));
        Assert.Throws<CryptographicException>(() => SecretWrap.Unwrap(_key, wrapped, "key/master-2"u8));
        for (int i = 0; i < wrapped.Length; i++)
        {
            byte[] tampered = (byte[])wrapped.Clone();
            tampered[i] ^= 0x01;
            Assert.Throws<CryptographicException>(() => SecretWrap.Unwrap(_key, tampered, _context));
        }

        Assert.Throws<CryptographicException>(() => SecretWrap.Unwrap(_key, wrapped.AsSpan(0, 20).ToArray(), _context));
    }

    [Fact]
    public void Bad_sizes_say_what_is_wrong()
    {
        Assert.Contains("32 bytes", Assert.Throws<ArgumentException>(() => SecretWrap.Wrap(new byte[16], _keyId, _secret, _context)).Message);
        Assert.Contains("8 bytes", Assert.Throws<ArgumentException>(() => SecretWrap.Wrap(_key, new byte[4], _secret, _context)).Message);
    }
}

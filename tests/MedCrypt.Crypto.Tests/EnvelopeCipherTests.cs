using MedCrypt.Crypto.Envelope;
using MedCrypt.Crypto.Keys;

namespace MedCrypt.Crypto.Tests;

public sealed class EnvelopeCipherTests
{
    private static readonly byte[] Context = new EnvelopeContext("study/42", "original-image").ToAssociatedData();
    private readonly MasterKey _master = new("master-2026-11", SecretKey.Generate());
    private readonly byte[] _plaintext = TestImages.HeadPhantom(37, 23).Pixels.ToArray();

    [Fact]
    public void Opens_what_it_sealed_and_hides_it()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext, Context, _master);

        Assert.Equal(EnvelopeCipher.GetSealedLength(_plaintext.Length, _master.Id), envelope.Length);
        Assert.Equal("master-2026-11", EnvelopeCipher.ReadMasterKeyId(envelope));
        Assert.Equal(_plaintext, EnvelopeCipher.Open(envelope, Context, _master));
        Assert.DoesNotContain(_plaintext.AsSpan(100, 16).ToArray(), Windows(envelope, 16));
        Assert.NotEqual(envelope, EnvelopeCipher.Seal(_plaintext, Context, _master)); // fresh data key and nonces
    }

    [Fact]
    public void Empty_payload_round_trips()
    {
        byte[] envelope = EnvelopeCipher.Seal([], Context, _master);
        Assert.Empty(EnvelopeCipher.Open(envelope, Context, _master));
    }

    [Fact]
    public void Every_flipped_bit_is_rejected()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext.AsSpan(0, 40), Context, _master);
        for (int i = 0; i < envelope.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] tampered = (byte[])envelope.Clone();
                tampered[i] ^= (byte)(1 << bit);
                Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(tampered, Context, _master));
            }
        }
    }

    [Fact]
    public void Truncation_at_any_length_is_rejected()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext.AsSpan(0, 40), Context, _master);
        for (int length = 0; length < envelope.Length; length++)
        {
            Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope.AsSpan(0, length), Context, _master));
        }
    }

    [Fact]
    public void Wrong_key_with_the_same_id_and_wrong_key_id_are_rejected()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext, Context, _master);

        var impostor = new MasterKey(_master.Id, SecretKey.Generate());
        var other = new MasterKey("master-2027-01", SecretKey.Generate());

        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope, Context, impostor));
        EnvelopeException e = Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope, Context, other));
        Assert.Contains("master-2026-11", e.Message);
    }

    [Fact]
    public void Another_context_is_rejected()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext, Context, _master);

        byte[] otherStudy = new EnvelopeContext("study/43", "original-image").ToAssociatedData();
        byte[] otherKind = new EnvelopeContext("study/42", "protected-image").ToAssociatedData();

        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope, otherStudy, _master));
        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope, otherKind, _master));
        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(envelope, [], _master));
    }

    [Fact]
    public void A_data_key_swapped_in_from_another_envelope_is_rejected()
    {
        byte[] first = EnvelopeCipher.Seal(_plaintext, Context, _master);
        byte[] second = EnvelopeCipher.Seal(_plaintext, Context, _master);
        int keyIdEnd = 5 + _master.Id.Length;
        second.AsSpan(keyIdEnd, 60).CopyTo(first.AsSpan(keyIdEnd)); // nonce, wrapped key and tag of the other data key

        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(first, Context, _master));
    }

    [Fact]
    public void Rewrap_moves_the_envelope_to_the_new_master_key_and_keeps_the_payload()
    {
        byte[] envelope = EnvelopeCipher.Seal(_plaintext, Context, _master);
        var next = new MasterKey("master-2027-01-long-identifier", SecretKey.Generate());

        byte[] rewrapped = EnvelopeCipher.Rewrap(envelope, _master, next);

        Assert.Equal(next.Id, EnvelopeCipher.ReadMasterKeyId(rewrapped));
        Assert.Equal(_plaintext, EnvelopeCipher.Open(rewrapped, Context, next));
        Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open(rewrapped, Context, _master));
        Assert.Equal(envelope.AsSpan(^(_plaintext.Length + 28)..).ToArray(), rewrapped.AsSpan(^(_plaintext.Length + 28)..).ToArray());
    }

    [Fact]
    public void Something_that_is_not_an_envelope_gets_a_clear_message()
    {
        EnvelopeException e = Assert.Throws<EnvelopeException>(() => EnvelopeCipher.Open("\x89PNG\r\n\x1a\n"u8.ToArray(), Context, _master));
        Assert.Contains("not a MedCrypt envelope", e.Message);
    }

    private static IEnumerable<byte[]> Windows(byte[] data, int size) =>
        Enumerable.Range(0, data.Length - size + 1).Select(i => data.AsSpan(i, size).ToArray());
}

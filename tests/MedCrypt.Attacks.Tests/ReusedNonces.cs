namespace MedCrypt.Attacks.Tests;

/// <summary>A broken nonce source: every nonce the same bytes, as a scheme that forgot its nonce would behave.</summary>
internal sealed class ReusedNonces : Random
{
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer) => buffer.Fill(0x5A);
}

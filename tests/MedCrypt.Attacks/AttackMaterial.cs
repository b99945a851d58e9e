using MedCrypt.Crypto.Images;

namespace MedCrypt.Attacks;

/// <summary>
/// Everything an attacker may hold about one target slice; each attack reads only what its
/// <see cref="AttackerKnowledge"/> allows. Never the target's plain pixels, never the key or a nonce's stream.
/// </summary>
/// <param name="Target">The target slice, protected.</param>
/// <param name="TargetAgain">The same slice protected a second time under the same key (a fresh nonce where the scheme takes one).</param>
/// <param name="KnownPlain">A different slice in plain ...</param>
/// <param name="KnownProtected">... and protected under the same key.</param>
public sealed record AttackMaterial(PixelImage Target, PixelImage TargetAgain, PixelImage KnownPlain, PixelImage KnownProtected);

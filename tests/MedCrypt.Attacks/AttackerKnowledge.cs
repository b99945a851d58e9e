namespace MedCrypt.Attacks;

/// <summary>What the attacker holds besides the protected target: the classic threat models, weakest first.</summary>
public enum AttackerKnowledge
{
    /// <summary>The protected image alone (and the scheme's public parameters, such as its block size).</summary>
    CiphertextOnly,

    /// <summary>Also one other slice under the same key, in plain and protected: a leaked pair.</summary>
    KnownPlaintext,

    /// <summary>Also a second protection of the same slice under the same key (an image uploaded twice).</summary>
    SameImageTwice,
}

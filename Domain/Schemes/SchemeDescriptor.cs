namespace MedCrypt.Domain.Schemes;

/// <summary>
/// What staff, doctors and hospital systems need to know of a protection scheme to choose one. <see cref="Protection"/>
/// is "encryption", "obfuscation" or "filter"; <see cref="Caveat"/> says in a sentence what that means.
/// </summary>
public sealed record SchemeDescriptor(string Id, string Name, bool Invertible, bool ReadableByModels, string Protection, string Caveat)
{
    public bool IsEncryption => Protection == "encryption";
}

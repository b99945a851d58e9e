using MedCrypt.Crypto.Schemes;

namespace MedCrypt.Crypto.Tests;

/// <summary>What a scheme is called must not promise more than it is: only encryption is called encryption.</summary>
public sealed class SchemeLabelTests
{
    public static TheoryData<string> Schemes() => new(new SchemeCatalog().All.Select(s => s.Id));

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Only_encryption_is_called_encryption(string schemeId)
    {
        ImageProtectionScheme scheme = new SchemeCatalog().Get(schemeId);
        string name = scheme.DisplayName.Replace("not encryption", "", StringComparison.OrdinalIgnoreCase);

        bool saysEncryption = name.Contains("encrypt", StringComparison.OrdinalIgnoreCase) || name.Contains("cipher", StringComparison.OrdinalIgnoreCase);
        Assert.True(scheme.Kind == ProtectionKind.Encryption || !saysEncryption, $"'{scheme.Id}' is {scheme.Kind} but is called \"{scheme.DisplayName}\"");
    }

    [Fact]
    public void The_default_is_encryption_that_the_models_read()
    {
        ImageProtectionScheme scheme = new SchemeCatalog().Get(SchemeCatalog.DefaultSchemeId);

        Assert.Equal((ProtectionKind.Encryption, true, true), (scheme.Kind, scheme.IsModelReadable, scheme.NonceSize >= 16));
    }
}

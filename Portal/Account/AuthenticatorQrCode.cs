using System.Text;
using QRCoder;

namespace MedCrypt.Portal.Account;

/// <summary>What an authenticator app scans to enrol: the otpauth:// URI (RFC 6238, 6 digits, 30 s) as a PNG data: URI.</summary>
internal static class AuthenticatorQrCode
{
    public const string Issuer = "MedCrypt";

    public static string OtpAuthUri(string email, string sharedKey) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={sharedKey}&issuer={Uri.EscapeDataString(Issuer)}&digits=6";

    /// <summary>Rendered in the page itself: the shared key never leaves for a third-party QR service.</summary>
    public static string PngDataUri(string otpAuthUri)
    {
        using var generator = new QRCodeGenerator();
        using QRCodeData data = generator.CreateQrCode(otpAuthUri, QRCodeGenerator.ECCLevel.Q);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>The key in groups of four, lower case, easier to type by hand.</summary>
    public static string Readable(string sharedKey)
    {
        var text = new StringBuilder();
        for (int i = 0; i < sharedKey.Length; i += 4)
        {
            text.Append(sharedKey.AsSpan(i, Math.Min(4, sharedKey.Length - i))).Append(' ');
        }

        return text.ToString().TrimEnd().ToLowerInvariant();
    }
}

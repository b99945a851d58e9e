namespace MedCrypt.Crypto.Images;

/// <summary>Interleaved 8-bit pixel layouts; the value is the number of channels.</summary>
public enum PixelFormat
{
    Gray8 = 1,
    Rgb24 = 3,
}

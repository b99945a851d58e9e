using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// The elements <see cref="DicomReader"/> found: top-level ones by tag, and the first value of each tag met inside a
/// sequence (an enhanced multi-frame file keeps its rescale and window in functional-group sequences, the shared group
/// before the per-frame ones). Values are the file's own bytes; nothing is copied or kept beyond one decode.
/// </summary>
public sealed class DicomDataset(DicomTransferSyntax syntax)
{
    private readonly Dictionary<uint, ReadOnlyMemory<byte>> _top = [];
    private readonly Dictionary<uint, ReadOnlyMemory<byte>> _nested = [];

    public DicomTransferSyntax Syntax { get; } = syntax;

    /// <summary>Native pixel data (all frames, one after another), or null when encapsulated or absent.</summary>
    public ReadOnlyMemory<byte>? NativePixelData { get; internal set; }

    /// <summary>Whether the pixel data element is encapsulated (compressed fragments).</summary>
    public bool EncapsulatedPixelData { get; internal set; }

    internal void Add(uint tag, ReadOnlyMemory<byte> value, bool nested)
    {
        if (nested)
        {
            _nested.TryAdd(tag, value);
        }
        else
        {
            _top[tag] = value;
        }
    }

    public bool Contains(uint tag) => _top.ContainsKey(tag);

    /// <summary>A top-level text value, trimmed of DICOM's space and NUL padding; null when absent or empty.</summary>
    public string? Text(uint tag) => _top.TryGetValue(tag, out ReadOnlyMemory<byte> value) ? Decode(value.Span) : null;

    /// <summary>A top-level value, else the first one in a sequence.</summary>
    public string? TextAnywhere(uint tag) => Text(tag) ?? (_nested.TryGetValue(tag, out ReadOnlyMemory<byte> value) ? Decode(value.Span) : null);

    /// <summary>A US (unsigned 16-bit) value.</summary>
    public int? UInt16(uint tag)
    {
        if (!_top.TryGetValue(tag, out ReadOnlyMemory<byte> value) || value.Length < 2)
        {
            return null;
        }

        return Syntax.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(value.Span) : BinaryPrimitives.ReadUInt16LittleEndian(value.Span);
    }

    /// <summary>The first number of a DS or IS value ("40\400" gives 40), from anywhere in the file.</summary>
    public double? Number(uint tag) => ParseFirst(TextAnywhere(tag));

    /// <summary>The first number of a top-level DS or IS value.</summary>
    public double? TopNumber(uint tag) => ParseFirst(Text(tag));

    private static double? ParseFirst(string? text)
    {
        if (text is null)
        {
            return null;
        }

        string first = text.Split('\\')[0].Trim();
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number) ? number : null;
    }

    private static string? Decode(ReadOnlySpan<byte> value)
    {
        // Latin-1 keeps every byte one character: the values read here are codes and numbers, never free text shown to anyone.
        string text = Encoding.Latin1.GetString(value).Trim(' ', '\0');
        return text.Length == 0 ? null : text;
    }
}

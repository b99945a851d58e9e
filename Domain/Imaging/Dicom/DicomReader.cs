using System.Buffers.Binary;
using System.Text;

namespace MedCrypt.Domain.Imaging.Dicom;

/// <summary>
/// Reads a DICOM Part 10 file: the 128-byte preamble, "DICM", the file meta group (explicit little endian always),
/// then the dataset in its transfer syntax (explicit or implicit little endian, explicit big endian). Every length is
/// checked against what is left, so a truncated or garbled file is refused with a reason, never read past its end.
/// Sequences are walked (their values land in <see cref="DicomDataset"/> as nested); the pixel data ends the walk.
/// </summary>
public static class DicomReader
{
    private const int PreambleLength = 128;
    private const int MaxDepth = 16;
    private const uint Undefined = 0xFFFF_FFFF;

    /// <summary>Whether the bytes start like a Part 10 file (preamble, then "DICM").</summary>
    public static bool IsDicom(ReadOnlySpan<byte> data) =>
        data.Length >= PreambleLength + 4 && data.Slice(PreambleLength, 4).SequenceEqual("DICM"u8);

    /// <exception cref="ImageRejectedException">Not a Part 10 file, an unknown transfer syntax, or a damaged dataset.</exception>
    public static DicomDataset Read(ReadOnlyMemory<byte> file)
    {
        if (!IsDicom(file.Span))
        {
            throw new ImageRejectedException("The file is not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble).");
        }

        var position = PreambleLength + 4;
        var meta = new DicomDataset(DicomTransferSyntax.ExplicitLittleEndian);
        var cursor = new Cursor(file, position, DicomTransferSyntax.ExplicitLittleEndian);
        // The file meta group is group 0002, explicit little endian; it ends where another group starts.
        while (cursor.Remaining >= 8 && cursor.PeekGroup() == 0x0002)
        {
            ReadElement(ref cursor, meta, depth: 0);
        }

        string uid = meta.Text(DicomTag.TransferSyntaxUid)
            ?? throw new ImageRejectedException("The DICOM file has no transfer syntax in its file meta information.");
        DicomTransferSyntax syntax = DicomTransferSyntax.Find(uid)
            ?? throw new ImageRejectedException($"The DICOM file uses transfer syntax {Printable(uid)}, which MedCrypt does not read.") { Unprocessable = true };

        var dataset = new DicomDataset(syntax);
        cursor = new Cursor(file, cursor.Position, syntax);
        while (cursor.Remaining > 0 && !dataset.EncapsulatedPixelData && dataset.NativePixelData is null)
        {
            ReadElement(ref cursor, dataset, depth: 0);
        }

        return dataset;
    }

    private static void ReadElement(ref Cursor cursor, DicomDataset dataset, int depth)
    {
        uint tag = cursor.Tag();
        string? vr = null;
        uint length;
        if (cursor.Syntax.ExplicitVr && tag is not (DicomTag.Item or DicomTag.ItemDelimitation or DicomTag.SequenceDelimitation))
        {
            vr = Encoding.ASCII.GetString(cursor.Bytes(2).Span);
            if (vr is "OB" or "OW" or "OF" or "OD" or "OL" or "OV" or "SQ" or "UC" or "UN" or "UR" or "UT" or "SV" or "UV")
            {
                cursor.Bytes(2); // reserved
                length = cursor.UInt32();
            }
            else if (vr.All(char.IsAsciiLetterUpper))
            {
                length = cursor.UInt16();
            }
            else
            {
                throw Damaged("an element has no valid value representation");
            }
        }
        else
        {
            length = cursor.UInt32();
        }

        bool nested = depth > 0;
        if (tag == DicomTag.PixelData && !nested)
        {
            if (length == Undefined)
            {
                dataset.EncapsulatedPixelData = true;
                return; // the fragments are the decompressor's business
            }

            dataset.NativePixelData = cursor.Bytes(length, "the pixel data is truncated");
            return;
        }

        if (vr == "SQ" || length == Undefined)
        {
            ReadSequence(ref cursor, dataset, length, depth);
            return;
        }

        dataset.Add(tag, cursor.Bytes(length), nested);
    }

    private static void ReadSequence(ref Cursor cursor, DicomDataset dataset, uint length, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw Damaged("sequences are nested too deep");
        }

        int end = length == Undefined ? int.MaxValue : cursor.End(length);
        while (cursor.Position < end && cursor.Remaining > 0)
        {
            uint tag = cursor.Tag();
            uint itemLength = cursor.UInt32();
            if (tag == DicomTag.SequenceDelimitation)
            {
                return;
            }

            if (tag != DicomTag.Item)
            {
                throw Damaged("a sequence holds something that is not an item");
            }

            int itemEnd = itemLength == Undefined ? int.MaxValue : cursor.End(itemLength);
            while (cursor.Position < itemEnd && cursor.Remaining > 0)
            {
                if (itemLength == Undefined && cursor.PeekTag() == DicomTag.ItemDelimitation)
                {
                    cursor.Tag();
                    cursor.UInt32();
                    break;
                }

                ReadElement(ref cursor, dataset, depth + 1);
            }
        }

        if (length == Undefined && cursor.Remaining == 0)
        {
            throw Damaged("a sequence is not closed");
        }
    }

    private static ImageRejectedException Damaged(string what) => new($"The DICOM file is damaged: {what}.");

    private static string Printable(string uid) => uid.Length <= 64 && uid.All(c => char.IsAsciiDigit(c) || c == '.') ? uid : "(unreadable)";

    /// <summary>A bounds-checked read position; every read past the end is a refusal, never an exception from the runtime.</summary>
    private struct Cursor(ReadOnlyMemory<byte> data, int position, DicomTransferSyntax syntax)
    {
        public DicomTransferSyntax Syntax { get; } = syntax;

        public int Position { get; private set; } = position;

        public readonly int Remaining => data.Length - Position;

        public readonly ushort PeekGroup() => Read16(data.Span.Slice(Position, 2));

        public readonly uint PeekTag() => Remaining < 4 ? 0 : ((uint)Read16(data.Span.Slice(Position, 2)) << 16) | Read16(data.Span.Slice(Position + 2, 2));

        public uint Tag()
        {
            ushort group = UInt16();
            return ((uint)group << 16) | UInt16();
        }

        public ushort UInt16() => Read16(Bytes(2).Span);

        public uint UInt32()
        {
            ReadOnlySpan<byte> b = Bytes(4).Span;
            return Syntax.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
        }

        public readonly int End(uint length) =>
            length > (uint)Remaining ? throw Damaged("an element is longer than the file") : Position + (int)length;

        public ReadOnlyMemory<byte> Bytes(uint length, string why = "the file ends inside an element")
        {
            if (length > (uint)Remaining)
            {
                throw Damaged(why);
            }

            ReadOnlyMemory<byte> slice = data.Slice(Position, (int)length);
            Position += (int)length;
            return slice;
        }

        private readonly ushort Read16(ReadOnlySpan<byte> b) =>
            Syntax.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);
    }
}

using System.Buffers.Binary;
using System.Text;

namespace MedCrypt.Testing;

/// <summary>
/// A minimal DICOM Part 10 writer for tests: file meta in explicit little endian, then the dataset in explicit little
/// endian, implicit little endian or explicit big endian, elements added in tag order by the caller.
/// </summary>
public sealed class DicomWriter(string transferSyntax = DicomWriter.ExplicitLittle)
{
    public const string ImplicitLittle = "1.2.840.10008.1.2";
    public const string ExplicitLittle = "1.2.840.10008.1.2.1";
    public const string ExplicitBig = "1.2.840.10008.1.2.2";

    private readonly MemoryStream _dataset = new();
    private readonly bool _explicit = transferSyntax != ImplicitLittle;
    private readonly bool _big = transferSyntax == ExplicitBig;

    public DicomWriter Text(uint tag, string vr, string value)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + (vr == "UI" ? "\0" : " "));
        return Element(tag, vr, bytes);
    }

    public DicomWriter UInt16(uint tag, ushort value)
    {
        byte[] bytes = new byte[2];
        if (_big)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }

        return Element(tag, "US", bytes);
    }

    /// <summary>16-bit words (signed values are written as their two's complement).</summary>
    public DicomWriter Pixels16(IEnumerable<int> values)
    {
        var bytes = new List<byte>();
        foreach (int v in values)
        {
            ushort word = unchecked((ushort)v);
            bytes.AddRange(_big ? [(byte)(word >> 8), (byte)word] : [(byte)word, (byte)(word >> 8)]);
        }

        return Element(0x7FE0_0010, "OW", [.. bytes]);
    }

    /// <summary>Pixel data of undefined length (encapsulated), with an empty offset table and one junk fragment.</summary>
    public DicomWriter Encapsulated()
    {
        byte[] header = [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] items = [0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 1, 2, 3, 4, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];
        _dataset.Write(header);
        _dataset.Write(items);
        return this;
    }

    public DicomWriter Element(uint tag, string vr, byte[] value) => Write(_dataset, tag, vr, value, _explicit, _big);

    public byte[] ToArray()
    {
        var meta = new MemoryStream();
        Write(meta, 0x0002_0010, "UI", Encoding.ASCII.GetBytes(transferSyntax.Length % 2 == 0 ? transferSyntax : transferSyntax + "\0"), true, false);
        var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        byte[] groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        Write(file, 0x0002_0000, "UL", groupLength, true, false);
        meta.WriteTo(file);
        _dataset.WriteTo(file);
        return file.ToArray();
    }

    private DicomWriter Write(MemoryStream stream, uint tag, string vr, byte[] value, bool explicitVr, bool big)
    {
        void U16(int v)
        {
            byte[] b = new byte[2];
            if (big)
            {
                BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
            }

            stream.Write(b);
        }

        void U32(uint v)
        {
            byte[] b = new byte[4];
            if (big)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            }

            stream.Write(b);
        }

        U16((int)(tag >> 16));
        U16((int)(tag & 0xFFFF));
        if (explicitVr)
        {
            stream.Write(Encoding.ASCII.GetBytes(vr));
            if (vr is "OB" or "OW" or "SQ" or "UN" or "UT")
            {
                U16(0);
                U32((uint)value.Length);
            }
            else
            {
                U16(value.Length);
            }
        }
        else
        {
            U32((uint)value.Length);
        }

        stream.Write(value);
        return this;
    }
}

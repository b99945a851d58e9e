using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MedCrypt.Testing;

/// <summary>
/// The security review's upload: a valid 8-bit gray PNG, a flat disk on black, whose pixels compress to almost
/// nothing — 4096 × 4096 (16.8 million pixels) in about 20 KB. Built by hand, so making it costs the tests little.
/// </summary>
internal static class OversizedPng
{
    public static byte[] Create(int width = 4096, int height = 4096)
    {
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[width + 1]; // filter byte 0, then the row
            double radius = Math.Min(width, height) * 0.4;
            for (int y = 0; y < height; y++)
            {
                Array.Clear(row);
                double dy = y - (height / 2.0);
                if (Math.Abs(dy) < radius)
                {
                    int half = (int)Math.Sqrt((radius * radius) - (dy * dy));
                    row.AsSpan(1 + (width / 2) - half, 2 * half).Fill(100);
                }

                zlib.Write(row);
            }
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (gray), compression, filter, interlace 0
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", pixels.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    /// <summary>PNG's CRC-32 (ISO 3309, reflected 0xEDB88320), bit by bit: chunks here are small and few.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}

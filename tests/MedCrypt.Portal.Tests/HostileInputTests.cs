using System.Buffers.Binary;
using System.IO.Hashing;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MedCrypt.Domain.Auditing;
using MedCrypt.Testing;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// What a hostile or broken client sends to the API: each gets a clear 4xx problem+json, the server keeps serving,
/// and no study row or audit gap is left behind.
/// </summary>
public sealed class HostileInputTests
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Broken_and_hostile_uploads_get_problem_details_and_leave_nothing_behind(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        byte[] png = TestStudies.Scan();
        byte[] jpeg = Jpeg();

        (string Case, HttpContent Body, HttpStatusCode Status)[] cases =
        [
            ("truncated PNG", Api.Upload(png[..(png.Length / 2)], "scan.png", "block"), HttpStatusCode.BadRequest),
            ("PNG with damaged pixel data", Api.Upload(Damaged(png, from: 60), "scan.png", "block"), HttpStatusCode.BadRequest),
            ("truncated JPEG", Api.Upload(jpeg[..(jpeg.Length / 3)], "scan.jpg", "block"), HttpStatusCode.BadRequest),
            ("JPEG with damaged header", Api.Upload(Damaged(jpeg, from: 2, count: 200), "scan.jpg", "block"), HttpStatusCode.BadRequest),
            ("1×1 image", Api.Upload(Png(1, 1), "dot.png", "block"), HttpStatusCode.BadRequest),
            ("header claiming 60000×60000", Api.Upload(DecompressionBomb(), "bomb.png", "block"), HttpStatusCode.UnprocessableEntity),
            ("26 KB PNG decoding to 4096×4096", Api.Upload(OversizedPng.Create(), "big.png", "block"), HttpStatusCode.UnprocessableEntity),
            ("HTML named .png", Api.Upload("<html><script>alert(1)</script></html>"u8.ToArray(), "page.png", "block"), HttpStatusCode.BadRequest),
            ("SVG named .png", Api.Upload("<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"u8.ToArray(), "x.png", "block"), HttpStatusCode.BadRequest),
            ("empty file", Api.Upload([], "empty.png", "block"), HttpStatusCode.BadRequest),
            ("unknown scheme", Api.Upload(png, "scan.png", "rot13"), HttpStatusCode.BadRequest),
            ("no file field", new MultipartFormDataContent { { new StringContent("block"), "scheme" } }, HttpStatusCode.BadRequest),
            ("JSON instead of a form", JsonContent.Create(new { file = Convert.ToBase64String(png) }), HttpStatusCode.UnsupportedMediaType),
            ("body over the size limit", Api.Upload(new byte[Domain.Studies.AnalyseStudy.MaxUploadBytes + 1024], "huge.png", "block"), HttpStatusCode.RequestEntityTooLarge),
        ];
        foreach ((string name, HttpContent body, HttpStatusCode status) in cases)
        {
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", body, ct);
            Assert.True(status == response.StatusCode, $"{name}: expected {(int)status}, got {(int)response.StatusCode}");
            await Api.AssertProblemAsync(response, status);
        }

        Assert.Equal(0, await TestStudies.CountAsync(factory));
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));

        // The server still serves, and names are only display names: no folders, no control characters, bounded.
        foreach (string name in new[] { "../../etc/passwd.png", "C:\\Windows\\system32\\scan.png", new string('a', 5000) + ".png", "scan\u001b[31m\u0007.png" })
        {
            HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(png, name, "block"), ct);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            string stored = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("fileName").GetString()!;
            Assert.DoesNotContain('/', stored);
            Assert.DoesNotContain('\\', stored);
            Assert.False(stored.Any(char.IsControl), stored);
            Assert.InRange(stored.Length, 1, 128);
        }

        Assert.Equal(4, await TestStudies.CountAsync(factory));
    }

    [Fact]
    public async Task Malformed_and_forged_tokens_are_refused_with_401()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        foreach (string header in new[] { "Bearer not-a-token", "Bearer " + new string('A', 4000), "Basic c3RhZmY6cGFzcw==", "Bearer " })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/schemes");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            await Api.AssertProblemAsync(await factory.CreateClient().SendAsync(request, ct), HttpStatusCode.Unauthorized);
        }

        await Api.AssertProblemAsync(await factory.CreateClient().PostAsync("/api/v1/auth/login", new StringContent("{\"email\":", Encoding.UTF8, "application/json"), ct), HttpStatusCode.BadRequest);
    }

    /// <summary>A few hundred random byte mutations of valid PNG and JPEG scans: never a 5xx, and exactly one study per 201.</summary>
    [Fact]
    public async Task Fuzzed_images_never_cause_a_server_error_or_leftovers()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        byte[][] seeds = [TestStudies.Scan(), Jpeg()];
        var random = new Random(20261125); // fixed: a failure can be replayed
        int created = 0;
        for (int i = 0; i < 300; i++)
        {
            byte[] mutant = Mutate(seeds[i % seeds.Length], random);
            HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", Api.Upload(mutant, $"fuzz-{i}.png", "block"), ct);
            Assert.True((int)response.StatusCode < 500,
                $"mutation {i} ({Convert.ToHexString(mutant.AsSpan(0, Math.Min(32, mutant.Length)))}…) gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                created++;
            }
            else
            {
                await Api.AssertProblemAsync(response, response.StatusCode);
            }
        }

        Assert.Equal(created, await TestStudies.CountAsync(factory));
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] bytes = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0: // flip bytes anywhere
                for (int n = random.Next(1, 16); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }

                return bytes;
            case 1: // cut it short
                return bytes[..random.Next(1, bytes.Length)];
            case 2: // overwrite a run with noise
                int start = random.Next(bytes.Length), length = Math.Min(random.Next(1, 64), bytes.Length - start);
                random.NextBytes(bytes.AsSpan(start, length));
                return bytes;
            default: // extreme values in the header (sizes, depths, lengths)
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(Math.Min(64, bytes.Length))] = (byte)(random.Next(2) == 0 ? 0x00 : 0xFF);
                }

                return bytes;
        }
    }

    private static byte[] Damaged(byte[] bytes, int from, int count = 0)
    {
        byte[] copy = (byte[])bytes.Clone();
        int end = count == 0 ? copy.Length : Math.Min(copy.Length, from + count);
        for (int i = from; i < end; i++)
        {
            copy[i] = (byte)(copy[i] * 31 + 7);
        }

        return copy;
    }

    private static byte[] Jpeg()
    {
        using Image<L8> image = Image.Load<L8>(TestStudies.Scan());
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    private static byte[] Png(int width, int height)
    {
        using var image = new Image<L8>(width, height, new L8(128));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A valid PNG signature and IHDR declaring 60,000 × 60,000 8-bit gray, then a tiny IDAT and IEND: a few dozen bytes that would need 3.6 GB.</summary>
    private static byte[] DecompressionBomb()
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, 60_000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 60_000);
        header[8] = 8; // bit depth; colour type 0 (gray), compression, filter, interlace 0
        Chunk(stream, "IHDR", header);
        Chunk(stream, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typeAndData));
        stream.Write(crc);
    }
}

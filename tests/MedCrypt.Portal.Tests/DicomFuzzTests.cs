using System.Net;
using System.Text.Json;
using MedCrypt.Domain.Auditing;
using MedCrypt.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MedCrypt.Portal.Tests;

/// <summary>Damaged DICOM through the real API, as the PNG/JPEG path is fuzzed: never a 5xx, every refusal a problem that says why, nothing half-stored.</summary>
public sealed class DicomFuzzTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task Truncated_and_flipped_DICOM_files_never_get_a_5xx_and_refusals_leave_nothing(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        var files = new List<byte[]> { TestDicom.Head("Doe^Jane", "MRN-1") };
        if (DicomSamples.Present)
        {
            // Native, RLE and JPEG 2000: the reader's and the decompressor's paths.
            files.AddRange(new[] { "edge/pydicom/MR_small.dcm", "edge/pydicom/MR_small_RLE.dcm", "edge/pydicom/MR_small_jp2klossless.dcm" }
                .Select(f => File.ReadAllBytes(Path.Combine(DicomSamples.Folder, f))));
        }

        var random = new Random(17);
        int created = 0;
        foreach (byte[] file in files)
        {
            byte[] garbage = [.. file[..132], .. new byte[300]];
            var variants = new List<byte[]> { file[..132], file[..(file.Length / 2)], file[..^1], garbage };
            for (int i = 0; i < 12; i++)
            {
                byte[] flipped = [.. file];
                for (int n = 0; n < 1 + random.Next(8); n++)
                {
                    flipped[random.Next(132, flipped.Length)] = (byte)random.Next(256);
                }

                variants.Add(flipped);
            }

            foreach (byte[] variant in variants)
            {
                HttpResponseMessage response = await staff.PostAsync("/api/v1/studies", TestDicom.Upload(variant, "fuzz.dcm"), ct);
                string body = await response.Content.ReadAsStringAsync(ct);
                Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    created++;
                }
                else
                {
                    Assert.InRange((int)response.StatusCode, 400, 422);
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrWhiteSpace(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()));
                }
            }
        }

        output.WriteLine($"{created} of {files.Count * 16} damaged files were still analysed");
        Assert.Equal(created, await TestStudies.CountAsync(factory));
        Assert.Null(await factory.Services.GetRequiredService<AuditLog>().VerifyAsync(ct));
    }
}

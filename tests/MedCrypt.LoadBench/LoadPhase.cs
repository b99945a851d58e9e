using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedCrypt.LoadBench;

/// <summary>N clients uploading and classifying scans back to back for a bounded time; every call is recorded.</summary>
internal sealed class LoadPhase(HttpClient http, string token, IReadOnlyList<byte[]> scans)
{
    public async Task<IReadOnlyList<CallRecord>> RunAsync(int clients, TimeSpan duration, Func<TimeSpan, Task>? during = null)
    {
        var calls = new ConcurrentBag<CallRecord>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);
        Task[] workers = [.. Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                calls.Add(await UploadAsync(clock, scans[(client + n) % scans.Count], $"bench-{client}-{n}.png"));
            }
        }))];
        if (during is not null)
        {
            await during(duration);
        }

        await Task.WhenAll(workers);
        return [.. calls.OrderBy(c => c.StartedAt)];
    }

    private async Task<CallRecord> UploadAsync(Stopwatch clock, byte[] scan, string name)
    {
        TimeSpan started = clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/studies");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var file = new ByteArrayContent(scan);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        request.Content = new MultipartFormDataContent { { file, "file", name }, { new StringContent("block"), "scheme" } };
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request);
            TimeSpan latency = clock.Elapsed - started;
            if ((int)response.StatusCode == 201)
            {
                Guid id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
                return new CallRecord(started, latency, 201, id, "");
            }

            return new CallRecord(started, latency, (int)response.StatusCode, null, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e)
        {
            return new CallRecord(started, clock.Elapsed - started, 0, null, e.Message);
        }
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using MedCrypt.Crypto.Images;
using MedCrypt.Domain.Imaging;
using MedCrypt.LoadBench;

// The load and outage bench (tests/load-bench.sh starts a portal and a throwaway PostgreSQL, then runs this):
// N API clients upload and classify for T seconds; then the same load while PostgreSQL is stopped and started again.
// Loopback only, bounded, stops by itself; exit code 1 when any rule below is broken.
BenchOptions options = BenchOptions.Parse(args);
using var http = new HttpClient { BaseAddress = options.Portal, Timeout = TimeSpan.FromSeconds(60) };
HttpResponseMessage login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = options.Email, password = options.Password });
login.EnsureSuccessStatusCode();
string token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
var load = new LoadPhase(http, token, [.. Enumerable.Range(0, 8).Select(Phantom)]);
var created = new HashSet<Guid>();
var failures = new List<string>();

Console.WriteLine($"# MedCrypt load bench: {options.Clients} clients, {Environment.ProcessorCount} cores, {options.Portal}");
Remember(await load.RunAsync(options.Clients, TimeSpan.FromSeconds(3))); // warm-up: circuits, pools, JIT

IReadOnlyList<CallRecord> steady = Remember(await load.RunAsync(options.Clients, options.Duration));
Console.WriteLine($"\n## Steady load, {options.Duration.TotalSeconds:F0} s");
Report(steady);
Require(steady.All(c => c.Status == 201), $"{steady.Count(c => c.Status != 201)} failed calls under steady load: {FirstFailure(steady)}");
RequireNone(await StoreCheck.ProblemsAsync(options.Database, created));

if (options.StopDatabase is { } stopCommand && options.StartDatabase is { } startCommand)
{
    TimeSpan lead = TimeSpan.FromSeconds(3), tail = TimeSpan.FromSeconds(12);
    TimeSpan stoppedAt = default, startedAt = default;
    IReadOnlyList<CallRecord> outage = Remember(await load.RunAsync(options.Clients, lead + options.Outage + tail, async _ =>
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(lead);
        await ShellAsync(stopCommand);
        stoppedAt = clock.Elapsed;
        await Task.Delay(options.Outage);
        await ShellAsync(startCommand);
        startedAt = clock.Elapsed;
    }));

    CallRecord[] down = [.. outage.Where(c => c.StartedAt >= stoppedAt && c.StartedAt < startedAt)];
    CallRecord[] after = [.. outage.Where(c => c.StartedAt >= startedAt)];
    CallRecord? recovered = after.FirstOrDefault(c => c.Status == 201);
    Console.WriteLine($"\n## PostgreSQL stopped at {stoppedAt.TotalSeconds:F1} s for {(startedAt - stoppedAt).TotalSeconds:F1} s under the same load");
    Console.WriteLine($"while stopped: {down.Length} calls, {down.Count(c => c.Status == 503)} × 503, {down.Count(c => c.Status is not 503 and not 201)} other failures; 503 latency {Percentiles(down.Where(c => c.Status == 503))}");
    Console.WriteLine($"after restart: first success {(recovered is null ? "never" : $"{(recovered.StartedAt - startedAt).TotalSeconds:F2} s")} after the start command returned; " +
        $"{after.Count(c => c.Status == 201)} of {after.Length} calls succeeded");
    Report(outage);
    Require(outage.All(c => c.Status is 201 or 503), $"calls that failed otherwise than 503 during the outage: {FirstFailure(outage.Where(c => c.Status != 503))}");
    Require(down.Length > 0 && down.Where(c => c.Status == 503).All(c => c.Latency < TimeSpan.FromSeconds(5)), "503s must come fast while the database is down");
    Require(recovered is not null, "no call succeeded after the database came back");
    Require(after.SkipWhile(c => c != recovered).Skip(options.Clients).All(c => c.Status == 201), "calls kept failing after the first success following the restart");
    RequireNone(await StoreCheck.ProblemsAsync(options.Database, created));
}

Console.WriteLine(failures.Count == 0 ? "\nAll rules held: no errors under load, 503 only while the database was down, nothing half-written." : $"\nFAILED:\n- {string.Join("\n- ", failures)}");
return failures.Count == 0 ? 0 : 1;

IReadOnlyList<CallRecord> Remember(IReadOnlyList<CallRecord> calls)
{
    created.UnionWith(calls.Where(c => c.Study is not null).Select(c => c.Study!.Value));
    return calls;
}

void Require(bool rule, string message) { if (!rule) failures.Add(message); }
void RequireNone(IReadOnlyList<string> problems) => failures.AddRange(problems);

static void Report(IReadOnlyList<CallRecord> calls)
{
    TimeSpan span = calls.Count == 0 ? TimeSpan.Zero : calls[^1].StartedAt + calls[^1].Latency - calls[0].StartedAt;
    int ok = calls.Count(c => c.Status == 201);
    Console.WriteLine($"calls {calls.Count}, created {ok}, throughput {ok / Math.Max(span.TotalSeconds, 1e-9):F1} studies/s; 201 latency {Percentiles(calls.Where(c => c.Status == 201))}");
    foreach (IGrouping<int, CallRecord> status in calls.GroupBy(c => c.Status).OrderBy(g => g.Key))
    {
        Console.WriteLine($"  status {(status.Key == 0 ? "no answer" : status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {status.Count()}");
    }
}

static string Percentiles(IEnumerable<CallRecord> calls)
{
    double[] ms = [.. calls.Select(c => c.Latency.TotalMilliseconds).Order()];
    return ms.Length == 0 ? "n/a" : $"p50 {At(0.50):F0} ms, p95 {At(0.95):F0} ms, p99 {At(0.99):F0} ms, max {ms[^1]:F0} ms";
    double At(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
}

static string FirstFailure(IEnumerable<CallRecord> calls) => calls.FirstOrDefault(c => c.Status != 201) is { } c ? $"{c.Status} {c.Detail}" : "none";

static async Task ShellAsync(string command)
{
    using Process process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command])) ?? throw new InvalidOperationException(command);
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}.");
    }
}

static byte[] Phantom(int variant)
{
    // A head-like ellipse with a brighter lesion whose place depends on the variant: every upload is a real PNG scan.
    const int size = 256;
    var image = new PixelImage(size, size, PixelFormat.Gray8);
    double lx = 0.3 * Math.Cos(variant), ly = 0.3 * Math.Sin(variant);
    for (int y = 0; y < size; y++)
    {
        Span<byte> row = image.Row(y);
        for (int x = 0; x < size; x++)
        {
            double u = (x - (size / 2.0)) / (size * 0.42), v = (y - (size / 2.0)) / (size * 0.47);
            double lesion = ((u - lx) * (u - lx)) + ((v - ly) * (v - ly));
            row[x] = (byte)((u * u) + (v * v) > 1 ? 0 : lesion < 0.02 ? 220 : 90 + ((x * 7) + (y * 3)) % 40);
        }
    }

    return new ImageCodec().EncodePng(image);
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MedCrypt.Portal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace MedCrypt.Portal.Tests;

/// <summary>
/// Observability through the real portal: /metrics (Prometheus text, administrators only) after real analyses,
/// database errors counted, and OTLP export to a collector only when one is configured. The instruments are the
/// process's (every portal of this test run shares them), so counts are compared before and after.
/// </summary>
public sealed class TelemetryTests
{
    private static readonly string[] Stages = ["decode", "prepare", "protect", "seal", "infer", "commit"];

    [Fact]
    public async Task An_analysis_shows_on_metrics_per_stage_and_model_and_only_admins_read_them()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        string before = await ScrapeAsync(admin);

        HttpResponseMessage created = await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string after = await ScrapeUntilAsync(admin, text => Grew(before, text, "medcrypt_analysis_stage_duration_seconds_count", ("stage", "commit")));

        Assert.True(Grew(before, after, "medcrypt_analyses_total", ("scheme", "block"), ("outcome", "succeeded")));
        Assert.True(Grew(before, after, "medcrypt_analysis_duration_seconds_count", ("scheme", "block"), ("outcome", "succeeded")));
        foreach (string stage in Stages)
        {
            Assert.True(Grew(before, after, "medcrypt_analysis_stage_duration_seconds_count", ("stage", stage), ("scheme", "block"), ("outcome", "succeeded")), stage);
            Assert.True(PrometheusText.Sum(after, "medcrypt_analysis_stage_duration_seconds_bucket", ("stage", stage), ("le", "+Inf")) >= 1, stage);
            // Buckets in seconds, fine enough for stages of milliseconds (the SDK's default starts at 5).
            Assert.True(PrometheusText.Has(after, "medcrypt_analysis_stage_duration_seconds_bucket", ("stage", stage), ("le", "0.005")), stage);
        }

        foreach (string model in new[] { "tiny-a", "tiny-b" })
        {
            Assert.True(Grew(before, after, "medcrypt_inference_duration_seconds_count", ("model", model), ("device", "cpu")), model);
            Assert.True(Grew(before, after, "medcrypt_inference_batch_size_count", ("model", model)), model);
            Assert.True(PrometheusText.Sum(after, "medcrypt_inference_batch_size_sum", ("model", model)) >= 1, model);
        }

        Assert.Contains("medcrypt_inference_queue_length", after, StringComparison.Ordinal);
        // The analysis's entry and the two sign-ins, at least.
        Assert.True(PrometheusText.Sum(after, "medcrypt_audit_appends_total", ("outcome", "succeeded")) - PrometheusText.Sum(before, "medcrypt_audit_appends_total", ("outcome", "succeeded")) >= 1);
        Assert.True(Grew(before, after, "medcrypt_audit_append_duration_seconds_count", ("result", "appended")));
        // Nothing that names a person, a file or a study.
        Assert.DoesNotContain("@medcrypt.local", after, StringComparison.Ordinal);
        Assert.DoesNotContain("scan.png", after, StringComparison.Ordinal);

        await Api.AssertProblemAsync(await staff.GetAsync(TelemetryPath, ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await (await Api.SignedInAsync(factory, "auditor@medcrypt.local")).GetAsync(TelemetryPath, ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await (await Api.SignedInAsync(factory, "doctor@medcrypt.local")).GetAsync(TelemetryPath, ct), HttpStatusCode.Forbidden);
        await Api.AssertProblemAsync(await factory.CreateClient().GetAsync(TelemetryPath, ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_rejected_upload_is_counted_as_rejected_at_the_decode_stage()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        string before = await ScrapeAsync(admin);

        await Api.AssertProblemAsync(await admin.PostAsync("/api/v1/studies", Api.Upload("<svg/>"u8.ToArray(), "x.png", "block"), ct), HttpStatusCode.BadRequest);
        string after = await ScrapeUntilAsync(admin, text => Grew(before, text, "medcrypt_analyses_total", ("outcome", "rejected")));

        Assert.True(Grew(before, after, "medcrypt_analysis_stage_duration_seconds_count", ("stage", "decode"), ("outcome", "rejected")));
        Assert.True(Grew(before, after, "medcrypt_audit_appends_total", ("outcome", "denied"))); // the denial is audited
    }

    [Theory]
    [MemberData(nameof(PortalFactory.Providers), MemberType = typeof(PortalFactory))]
    public async Task A_failed_database_command_is_counted_by_provider_and_kind(string provider)
    {
        using PortalFactory factory = PortalFactory.Create(provider);
        CancellationToken ct = TestContext.Current.CancellationToken;
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");
        string label = provider == "Postgres" ? "postgres" : "sqlite";
        (string, string)[] series = [("provider", label), ("operation", "command"), ("kind", "other")];
        string before = await ScrapeAsync(admin);

        await using (AsyncServiceScope scope = factory.Services.CreateAsyncScope())
        {
            PortalDbContext db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table", ct));
        }

        string after = await ScrapeUntilAsync(admin, text => Grew(before, text, "medcrypt_database_errors_total", series));
        Assert.True(PrometheusText.Sum(after, "medcrypt_database_errors_total", series) >= 1);
        Assert.DoesNotContain("no_such_table", after, StringComparison.Ordinal); // never the SQL
    }

    [Fact]
    public async Task Configured_otlp_sends_metrics_and_traces_to_the_collector()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var collector = new OtlpCollector();
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        factory.Settings["OpenTelemetry:Otlp:Endpoint"] = collector.Endpoint;
        factory.Settings["OpenTelemetry:Otlp:Protocol"] = "http/protobuf";
        factory.Settings["OTEL_METRIC_EXPORT_INTERVAL"] = "500"; // milliseconds: the default is a minute
        factory.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        HttpClient staff = await Api.SignedInAsync(factory, "staff@medcrypt.local");
        Assert.Equal(HttpStatusCode.Created, (await staff.PostAsync("/api/v1/studies", Api.Upload(TestStudies.Scan(), "scan.png", "block"), ct)).StatusCode);

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        await collector.WaitForAsync("/v1/metrics", TimeSpan.FromSeconds(30), ct);
        await collector.WaitForAsync("/v1/traces", TimeSpan.FromSeconds(30), ct);
        Assert.All(collector.Requests, r => Assert.Equal(("POST", "application/x-protobuf"), (r.Method, r.ContentType)));
        Assert.All(collector.Requests, r => Assert.True(r.Length > 0));
    }

    [Fact]
    public async Task Without_an_otlp_endpoint_no_exporter_runs_and_no_trace_is_kept()
    {
        using PortalFactory factory = PortalFactory.Create("Sqlite");
        HttpClient admin = await Api.SignedInAsync(factory, "admin@medcrypt.local");

        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Contains("medcrypt_audit_appends_total", await ScrapeAsync(admin), StringComparison.Ordinal); // metrics still on /metrics
    }

    private const string TelemetryPath = "/metrics";

    private static bool Grew(string before, string after, string name, params (string, string)[] labels) =>
        PrometheusText.Sum(after, name, labels) > PrometheusText.Sum(before, name, labels);

    private static async Task<string> ScrapeAsync(HttpClient admin)
    {
        HttpResponseMessage response = await admin.GetAsync(TelemetryPath, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The exporter caches a scrape for a moment: scrapes until <paramref name="done"/> holds, for 10 s at most.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient admin, Func<string, bool> done)
    {
        string text = await ScrapeAsync(admin);
        for (int i = 0; i < 50 && !done(text); i++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            text = await ScrapeAsync(admin);
        }

        Assert.True(done(text), text);
        return text;
    }

    /// <summary>A stand-in OTLP/HTTP collector on 127.0.0.1: answers 200 to every POST and remembers what came.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;

        public OtlpCollector()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _loop = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public ConcurrentQueue<(string Method, string Path, string? ContentType, long Length)> Requests { get; } = new();

        public async Task WaitForAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
        {
            DateTime end = DateTime.UtcNow + timeout;
            while (!Requests.Any(r => r.Path == path))
            {
                Assert.True(DateTime.UtcNow < end, $"No OTLP request to {path} in {timeout.TotalSeconds} s; got: {string.Join(", ", Requests.Select(r => r.Path))}");
                await Task.Delay(100, cancellationToken);
            }
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                try
                {
                    HttpListenerContext context = await _listener.GetContextAsync();
                    using var body = new MemoryStream();
                    await context.Request.InputStream.CopyToAsync(body);
                    Requests.Enqueue((context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "", context.Request.ContentType, body.Length));
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return; // stopped, also in the middle of a request the exporter sent as the portal shut down
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }
}

using System.Globalization;

namespace MedCrypt.LoadBench;

/// <summary>The command line: --url, --database, --clients, --seconds, --outage-seconds, --stop-database, --start-database.</summary>
internal sealed record BenchOptions(
    Uri Portal, string Database, int Clients, TimeSpan Duration, TimeSpan Outage, string? StopDatabase, string? StartDatabase, string Email, string Password)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) =>
            values.TryGetValue(name, out string? value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.");
        int Seconds(string name, string fallback) => int.Parse(Get(name, fallback), CultureInfo.InvariantCulture);

        var options = new BenchOptions(
            new Uri(Get("url")),
            Get("database"),
            int.Parse(Get("clients", "16"), CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(Seconds("seconds", "30")),
            TimeSpan.FromSeconds(Seconds("outage-seconds", "10")),
            values.GetValueOrDefault("stop-database"),
            values.GetValueOrDefault("start-database"),
            Get("email", "staff@medcrypt.local"),
            Environment.GetEnvironmentVariable("MEDCRYPT_BENCH_PASSWORD") ?? throw new ArgumentException("Set MEDCRYPT_BENCH_PASSWORD to the account's password."));
        if (!options.Portal.IsLoopback)
        {
            throw new ArgumentException("The bench only runs against a portal on loopback.");
        }

        if (options.Clients is < 1 or > 256 || options.Duration <= TimeSpan.Zero || options.Duration > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentException("Use 1 to 256 clients and at most 10 minutes.");
        }

        return options;
    }
}

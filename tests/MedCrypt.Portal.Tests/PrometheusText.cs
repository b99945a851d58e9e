using System.Globalization;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>Reads Prometheus' text format as /metrics writes it: the sum of the series of one name whose labels include the ones given.</summary>
internal static partial class PrometheusText
{
    public static double Sum(string text, string name, params (string Key, string Value)[] labels) => Matching(text, name, labels).Sum();

    /// <summary>Whether any series of that name has those labels (whatever its value).</summary>
    public static bool Has(string text, string name, params (string Key, string Value)[] labels) => Matching(text, name, labels).Any();

    private static IEnumerable<double> Matching(string text, string name, (string Key, string Value)[] labels)
    {
        foreach (string line in text.Split('\n'))
        {
            Match m = Series().Match(line);
            if (!m.Success || m.Groups["name"].Value != name)
            {
                continue;
            }

            Dictionary<string, string> found = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value);
            if (labels.All(l => found.TryGetValue(l.Key, out string? v) && v == l.Value))
            {
                yield return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Series();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

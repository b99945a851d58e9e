using System.Globalization;
using System.Text.RegularExpressions;

namespace MedCrypt.Portal.Tests;

/// <summary>Reads Prometheus' text format as /metrics writes it: the sum of the series of one name whose labels include the ones given.</summary>
internal static partial class PrometheusText
{
    public static double Sum(string text, string name, params (string Key, string Value)[] labels)
    {
        double sum = 0;
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
                sum += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Series();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

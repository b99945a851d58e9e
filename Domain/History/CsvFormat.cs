using System.Globalization;

namespace MedCrypt.Domain.History;

/// <summary>
/// CSV as RFC 4180 writes it (comma, CRLF, fields with a comma, quote or line break quoted, quotes doubled), and safe
/// to open in a spreadsheet: a text cell that starts with = + - @ (or a tab or carriage return) gets a leading
/// apostrophe, so it is shown as text instead of run as a formula.
/// </summary>
public static class CsvFormat
{
    public static string Field(string? value)
    {
        string text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    /// <summary>A number, invariant culture; numbers are never neutralised (a sign is data, not a formula).</summary>
    public static string Field(double value, string format = "R") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>One record of fields already passed through <see cref="Field(string?)"/> or <see cref="Field(double, string)"/>.</summary>
    public static void WriteRow(TextWriter writer, params string[] fields)
    {
        writer.Write(string.Join(',', fields));
        writer.Write("\r\n");
    }
}

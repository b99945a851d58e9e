namespace MedCrypt.Domain.Auditing;

/// <summary>One line of the heads file: the head it holds, or why it holds none (a damaged or forged line is kept, to be reported).</summary>
public sealed record PublishedHead(int Line, SignedTreeHead? Head, string? Error)
{
    public static IEnumerable<PublishedHead> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        int number = 0;
        foreach (string line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            PublishedHead parsed;
            try
            {
                parsed = new PublishedHead(number, TreeHeadJson.Read(line), null);
            }
            catch (FormatException e)
            {
                parsed = new PublishedHead(number, null, e.Message);
            }

            yield return parsed;
        }
    }
}

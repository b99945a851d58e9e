using Npgsql;

namespace MedCrypt.LoadBench;

/// <summary>
/// Reads PostgreSQL directly after a phase: exactly the studies the portal answered 201 for exist, each complete
/// (protected image, sealed original, every model's prediction) and each with its audit entry; nothing else.
/// </summary>
internal static class StoreCheck
{
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string database, IReadOnlySet<Guid> created)
    {
        var problems = new List<string>();
        // No pooling: a pooled connection would be the one the outage phase's restart just killed.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();

        var stored = new HashSet<Guid>();
        await using (var read = new NpgsqlCommand("""SELECT "Id" FROM "Studies" """, connection))
        await using (NpgsqlDataReader rows = await read.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                stored.Add(rows.GetGuid(0));
            }
        }

        if (stored.Except(created).Count() is > 0 and int extra)
        {
            problems.Add($"{extra} studies in the database that no client was told about (half-written work)");
        }

        if (created.Except(stored).Count() is > 0 and int lost)
        {
            problems.Add($"{lost} studies answered 201 but missing from the database");
        }

        await Count(""" SELECT count(*) FROM "Studies" WHERE length("SealedProtected") = 0 OR length("SealedOriginal") = 0 """, "studies without their images");
        await Count("""
            SELECT count(*) FROM "Studies" s
            WHERE (SELECT count(*) FROM "Predictions" p WHERE p."StudyId" = s."Id") <>
                  (SELECT max(n) FROM (SELECT count(*) AS n FROM "Predictions" GROUP BY "StudyId") per_study)
            """, "studies missing a model's prediction");
        await Count("""
            SELECT count(*) FROM "Studies" s
            WHERE NOT EXISTS (SELECT 1 FROM "AuditEvents" a WHERE a."Action" = 'study.analysed' AND a."Subject" = 'study/' || s."Id"::text)
            """, "studies without their audit entry");
        await Count("""
            SELECT count(*) FROM "AuditEvents" a
            WHERE a."Action" = 'study.analysed' AND NOT EXISTS (SELECT 1 FROM "Studies" s WHERE a."Subject" = 'study/' || s."Id"::text)
            """, "audit entries for studies that do not exist");
        await Count("""
            SELECT count(*) FROM (SELECT "Sequence" - lag("Sequence") OVER (ORDER BY "Sequence") AS step FROM "AuditEvents") steps WHERE step <> 1
            """, "gaps in the audit sequence");
        return problems;

        async Task Count(string sql, string what)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            if (Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and long n)
            {
                problems.Add($"{n} {what}");
            }
        }
    }
}

using System.Diagnostics;

namespace MedCrypt.Domain.Auditing;

/// <summary>
/// Records what people do — sign-ins, failed sign-ins, uploads, analyses, decryptions, exports, user and key
/// changes — as a hash chain, and verifies it. One instance per process (a singleton) serialises the appends; a second portal instance that
/// races for the same sequence number loses at the database's unique constraint and retries on the new tip.
/// Appends are counted, timed and traced (<see cref="AuditTelemetry"/>).
/// It remembers the last entry it appended (<see cref="LastAppended"/>) and at each append checks that the database
/// still holds it: under its number, its fields hashing to its hash (deleted by a trigger the moment it was written,
/// cut, edited, rewritten and padded past it: refused). Changes to entries before it are the publisher's to find, in
/// its pass over the log, which also checks this entry (<see cref="TreeHeadIssuer"/>); a refusal there stops the
/// writer too (<see cref="Stop"/>). Once stopped (<see cref="Rewritten"/>) no access is served unrecorded and no head
/// is signed, until an operator has looked and the portal restarts.
/// </summary>
/// <param name="maxUnanchored">
/// How long accesses may be served without a signed head covering the log, whatever keeps the publisher from signing
/// (the database away, a pass that fails, or one that never ends); null: no bound (a log without an anchor).
/// </param>
public sealed class AuditLog(IAuditStore store, TimeProvider clock, AuditTelemetry? telemetry = null, TimeSpan? maxUnanchored = null)
{
    private const int MaxAttempts = 10;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly AuditTelemetry _telemetry = telemetry ?? AuditTelemetry.Shared;
    private volatile AppendedEntry? _appended;

    /// <summary>Why this instance stopped trusting the database's log (an entry it appended is gone or changed); null while none is.</summary>
    public string? Rewritten { get; private set; }

    /// <summary>The last entry this instance appended; null before its first.</summary>
    public AppendedEntry? LastAppended => _appended;

    /// <summary>Stops the writer: the log was found rewritten (by the publisher's pass). Sticky; the first reason is kept.</summary>
    public void Stop(string why) => Rewritten ??= why;

    private DateTimeOffset _anchoredAt = clock.GetUtcNow();
    private long _signedSize;

    /// <summary>
    /// The signed size the writer stays above (the last head the publisher read): a log cut below a signed head and
    /// refilled by this writer, after a restart made it forget its last entry, is refused.
    /// </summary>
    public void SignedUpTo(long signedSize) => _signedSize = Math.Max(_signedSize, signedSize);

    /// <summary>The publisher found the log covered by a head of <paramref name="signedSize"/> entries: the clock of the bound on unanchored accesses starts again.</summary>
    public void Anchored(long signedSize)
    {
        _anchoredAt = clock.GetUtcNow();
        SignedUpTo(signedSize);
    }

    /// <summary>Why audited actions are held back for now (no head for longer than the bound); null while none is.</summary>
    public string? Held => maxUnanchored is { } max && clock.GetUtcNow() - _anchoredAt > max
        ? $"no signed head covers the log since {_anchoredAt:u} (longer than {max.TotalMinutes:0.#} min)"
        : null;

    public Task<AuditEvent> RecordAsync(string actor, string action, string subject, AuditOutcome outcome, string detail = "", CancellationToken cancellationToken = default) =>
        RecordAsync(actor, action, subject, outcome, detail, store.AppendAsync, cancellationToken);

    /// <summary>
    /// Records an event through the caller's own unit of work, so the event and the change it describes commit
    /// together or not at all (an analysis and its audit entry). <paramref name="commit"/> must store the entry it is
    /// given in one transaction with that change, and throw <see cref="AuditSequenceTakenException"/> if another
    /// writer took the sequence number; it is then called again with an entry on the new tip.
    /// </summary>
    public async Task<AuditEvent> RecordAsync(
        string actor, string action, string subject, AuditOutcome outcome, string detail, Func<AuditEvent, CancellationToken, Task> commit, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        using Activity? activity = _telemetry.ActivitySource.StartActivity("medcrypt.audit.append");
        activity?.SetTag("medcrypt.outcome", AuditTelemetry.Tag(outcome));
        bool appended = false;
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                AuditEvent? last;
                string? rewritten;
                try
                {
                    last = await store.LastAsync(cancellationToken).ConfigureAwait(false);
                    rewritten = await CheckAsync(last, cancellationToken).ConfigureAwait(false);
                }
                catch (AuditEntryUnreadableException e)
                {
                    Stop($"the log was changed in the database: {e.Message}");
                    throw Untrusted(Rewritten!);
                }

                if (rewritten is not null)
                {
                    throw Untrusted(rewritten);
                }

                if (Held is { } held)
                {
                    throw new Failures.ServiceUnavailableException($"Nothing audited can be done for now: {held}. It resumes once a head is published.");
                }

                AuditEvent entry = AuditChain.Append(last, clock.GetUtcNow(), actor, action, subject, outcome, detail);
                if (entry.Sequence <= _signedSize)
                {
                    Stop($"the log was cut below its last signed head: the next entry would be {entry.Sequence}, the head signed {_signedSize}");
                    throw Untrusted(Rewritten!);
                }

                try
                {
                    await commit(entry, cancellationToken).ConfigureAwait(false);
                    appended = true;
                    _appended = new AppendedEntry(entry.Sequence, entry.Hash);
                    return entry;
                }
                catch (AuditSequenceTakenException) when (attempt < MaxAttempts)
                {
                    _telemetry.Retries.Add(1);
                    activity?.AddEvent(new ActivityEvent("sequence taken"));
                    // Another instance appended first: chain onto its entry after a random pause, so two instances
                    // that keep colliding fall out of step.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _writer.Release();
            Recorded(appended, outcome, started, activity);
        }
    }

    private static Failures.ServiceUnavailableException Untrusted(string why) =>
        new($"Nothing audited can be done: the audit log cannot be trusted ({why}). An administrator must check the database against the published heads.");

    private async Task<string?> CheckAsync(AuditEvent? tip, CancellationToken cancellationToken)
    {
        if (Rewritten is not null || _appended is not { } mine)
        {
            return Rewritten;
        }

        // The log went on past it (another instance, or a writer padding a rewrite): one lookup of its number.
        AuditEvent? held = tip is null || tip.Sequence < mine.Sequence ? null
            : tip.Sequence == mine.Sequence ? tip
            : await store.AtAsync(mine.Sequence, cancellationToken).ConfigureAwait(false);
        if (mine.Differs(held) is { } why)
        {
            Stop(why);
        }

        return Rewritten;
    }

    private void Recorded(bool appended, AuditOutcome outcome, long started, Activity? activity)
    {
        _telemetry.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("result", appended ? "appended" : "failed"));
        if (appended)
        {
            _telemetry.Appends.Add(1, new KeyValuePair<string, object?>("outcome", AuditTelemetry.Tag(outcome)));
        }
        else
        {
            _telemetry.Failures.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, "not appended");
        }
    }

    /// <summary>The first broken link, or null when the whole chain verifies (streamed: constant memory). The published heads are checked by <see cref="AuditVerifier"/>.</summary>
    public async Task<ChainBreak?> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var cursor = new ChainCursor();
        byte[] hash = new byte[AuditChain.HashSize];
        await foreach (AuditEvent entry in store.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (cursor.Next(entry, hash) is { } broken)
            {
                return broken;
            }
        }

        return null;
    }
}

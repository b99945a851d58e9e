namespace MedCrypt.Portal.Live;

/// <summary>
/// "A study was just analysed", pushed to every open dashboard of this instance: raised by the study workflow after
/// its commit, and by <see cref="PostgresStudyListener"/> for studies other instances analysed. A study is announced
/// once, however many ways it arrives (an instance also hears its own NOTIFY).
/// </summary>
public sealed class StudyFeed(ILogger<StudyFeed> logger)
{
    private const int Remembered = 4096;
    private readonly Lock _gate = new();
    private readonly HashSet<Guid> _seen = [];
    private readonly Queue<Guid> _order = new();
    private readonly List<Action<Guid>> _subscribers = [];
    private readonly Guid _instance = Guid.NewGuid();
    private long _announced;

    /// <summary>
    /// How far this feed has got: a page that loaded its figures at one position and subscribed at another missed the
    /// studies announced in between (a prerender's figures, handed to the circuit that follows). Another instance's
    /// feed is never at the same position.
    /// </summary>
    public FeedPosition Position
    {
        get
        {
            lock (_gate)
            {
                return new FeedPosition(_instance, _announced);
            }
        }
    }

    /// <summary>Calls <paramref name="onStudy"/> for each new study until the returned handle is disposed. Keep the handler short: it runs on the publisher's thread.</summary>
    public IDisposable Subscribe(Action<Guid> onStudy)
    {
        ArgumentNullException.ThrowIfNull(onStudy);
        lock (_gate)
        {
            _subscribers.Add(onStudy);
        }

        return new Subscription(this, onStudy);
    }

    /// <summary>Announces a study; false (and nobody is called) when it was announced already.</summary>
    public bool Publish(Guid studyId)
    {
        Action<Guid>[] subscribers;
        lock (_gate)
        {
            if (!_seen.Add(studyId))
            {
                return false;
            }

            _announced++;
            _order.Enqueue(studyId);
            if (_order.Count > Remembered)
            {
                _seen.Remove(_order.Dequeue());
            }

            subscribers = [.. _subscribers];
        }

        foreach (Action<Guid> subscriber in subscribers)
        {
            try
            {
                subscriber(studyId);
            }
            catch (Exception e)
            {
                // One broken page must not keep the others from hearing of the study.
                logger.LogWarning(e, "A study feed subscriber failed.");
            }
        }

        return true;
    }

    private void Unsubscribe(Action<Guid> onStudy)
    {
        lock (_gate)
        {
            _subscribers.Remove(onStudy);
        }
    }

    private sealed class Subscription(StudyFeed feed, Action<Guid> onStudy) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Unsubscribe(onStudy);
            }
        }
    }
}

/// <summary>A feed's instance and how many studies it has announced: equal positions, nothing announced in between.</summary>
public readonly record struct FeedPosition(Guid Instance, long Announced);

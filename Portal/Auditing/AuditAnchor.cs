using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.KeyEncryption;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The audit log anchored outside the database: signs tree heads with the key in the signing key file (made from the
/// CSPRNG at the first start, owner-only, like the KEK file), exports its public key, publishes heads to the heads
/// file when the log grew and only when the log still extends the last published head, and verifies the log
/// against the published heads. A refusal is logged as critical and kept for /health and verification.
/// What it will not sign over: a log the audit writer no longer trusts (<see cref="AuditLog.Rewritten"/>), a pass over
/// the log that does not hold the writer's last entry as written (and such a refusal stops the writer), a heads
/// file that lost heads this process published or that is empty although its key was made before this start (the
/// first head is published as soon as a key is made), and a missing key beside an existing public key or heads file
/// (restoring it is the operator's decision, never a silent new key).
/// </summary>
public sealed class AuditAnchor(AuditAnchorOptions options, IAuditStore store, AuditLog audit, TimeProvider clock, ILogger<AuditAnchor> logger) : IAuditAnchor, IDisposable
{
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Lazy<(TreeHeadSigner Signer, bool Created)> _key = new(() => OpenSigner(options, logger));
    private SignedTreeHead? _lastPublished;
    private bool _firstHeadPublished;

    private TreeHeadSigner Signer => _key.Value.Signer;

    public AuditAnchorOptions Options => options;

    /// <summary>Why the last publication was refused (the log no longer matches the published heads); null while all is well.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Why the last attempt failed for another reason than a refusal (the database was away, the file could not be written); null after a publication.</summary>
    public string? Failure { get; private set; }

    public TreeHeadKey PublicKey => Signer.PublicKey;

    /// <summary>Publishes a head if the log grew since the last one; returns it, or null when nothing was published.</summary>
    public async Task<SignedTreeHead?> PublishAsync(CancellationToken cancellationToken)
    {
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            bool newKey;
            try
            {
                newKey = _key.Value.Created; // a new signing key comes with an empty heads file
            }
            catch (AuditKeyMissingException e)
            {
                return Refuse(e.Message);
            }

            List<PublishedHead> published;
            try
            {
                published = TreeHeadFile.Read(options.HeadsFile!);
            }
            catch (FileNotFoundException e)
            {
                return Refuse(e.Message);
            }

            SignedTreeHead? last = published.LastOrDefault()?.Head;
            if (published.Count > 0 && (last is null || !PublicKey.Signed(last)))
            {
                return Refuse($"the last line of {options.HeadsFile} is not a head signed by this portal's key");
            }

            if (published.Count == 0 && !(newKey && !_firstHeadPublished))
            {
                return Refuse($"{options.HeadsFile} is empty although its signing key is older than this start (a new key publishes its first head at once): the heads were removed. Restore the file from its copy");
            }

            if (last is not null)
            {
                audit.SignedUpTo(last.TreeSize); // never an entry at or below a signed size: a cut and refill is refused
            }

            if (_lastPublished is { } mine && (last is null || last.TreeSize < mine.TreeSize))
            {
                return Refuse($"{options.HeadsFile} lost heads this portal published: it signed {mine.TreeSize} entries, the file's last head {last?.TreeSize ?? 0}. Restore the file from its copy");
            }

            if (audit.Rewritten is { } rewritten)
            {
                return Refuse($"the audit writer no longer trusts the database's log: {rewritten}");
            }

            // The writer's last entry, read before the log's size so that an append in between cannot look like a loss.
            AppendedEntry? written = audit.LastAppended;
            long size = (await store.LastAsync(cancellationToken))?.Sequence ?? 0;
            if (written is not null && written.Sequence > size)
            {
                // Cut back (to the last head's size, say): no head would catch it, so it is caught here, before anything else.
                audit.Stop($"the log was cut: entry {written.Sequence}, appended by this portal, is gone (the log ends at {size})");
                return Refuse($"entry {written.Sequence}, appended by this portal, is gone: the log ends at {size} entries");
            }

            if (last is not null && size == last.TreeSize)
            {
                _lastPublished ??= last;
                Anchored(last.TreeSize); // the writer's entries are at most this size, so this head covers them
                return null;
            }

            // The writer's last entry is checked inside the very pass that is signed, not by a query beside it.
            TreeHeadIssue issue = await TreeHeadIssuer.NextAsync(
                store.ReadAllAsync(cancellationToken), size, last, Signer, clock.GetUtcNow(), cancellationToken, written);
            if (issue.Head is not { } head)
            {
                audit.Stop($"the publisher found the log rewritten: {issue.Refusal}"); // nothing more is served unrecorded
                return Refuse(issue.Refusal!);
            }

            TreeHeadFile.Append(options.HeadsFile!, head);
            _lastPublished = head;
            _firstHeadPublished = true;
            Refusal = null;
            Anchored(head.TreeSize);
            logger.LogInformation("Published the audit log's tree head at {TreeSize} entries to {HeadsFile}.", head.TreeSize, options.HeadsFile);
            return head;
        }
        catch (AuditEntryUnreadableException e)
        {
            audit.Stop($"the log was changed in the database: {e.Message}"); // not an outage: retrying would serve accesses unanchored for ever
            return Refuse(e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Failure = e.Message; // the database is away, the file cannot be written: /health says so until a head is published
            throw;
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// <summary>The whole log against the published heads, streamed once; without the heads file it cannot be (and is not) valid.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        TreeHeadKey key;
        try
        {
            key = PublicKey; // a new signing key comes with an empty heads file
        }
        catch (AuditKeyMissingException e)
        {
            return new AuditVerification(false, 0, 0, 0, null, null, $"cannot verify: {e.Message}");
        }

        List<PublishedHead> published;
        try
        {
            published = TreeHeadFile.Read(options.HeadsFile!);
        }
        catch (FileNotFoundException e)
        {
            return new AuditVerification(false, 0, 0, 0, null, null, $"cannot verify: {e.Message}");
        }

        return await AuditVerifier.VerifyAsync(store.ReadAllAsync(cancellationToken), published, key, cancellationToken);
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Signer.Dispose();
        }

        _publishing.Dispose();
    }

    private void Anchored(long signedSize)
    {
        Failure = null;
        audit.Anchored(signedSize);
    }

    private SignedTreeHead? Refuse(string reason)
    {
        Refusal = reason;
        logger.LogCritical("The audit log's tree head was NOT published: {Reason}. Someone may have rewritten the audit log in the database; verify it offline against the heads file.", reason);
        return null;
    }

    /// <exception cref="AuditKeyMissingException">The key file is gone while its public key or heads file is there.</exception>
    private static (TreeHeadSigner Signer, bool Created) OpenSigner(AuditAnchorOptions options, ILogger logger)
    {
        if (!File.Exists(options.SigningKeyFile) && (File.Exists(options.PublicKeyFile) || File.Exists(options.HeadsFile)))
        {
            throw new AuditKeyMissingException(
                $"the audit signing key {options.SigningKeyFile} is missing while its public key or heads file is there: restore the key from its backup. " +
                "A new key would sign a log nobody can tie to the published heads; to start a new log on purpose, move the public key and heads file away first");
        }

        (byte[] seed, bool created) = KeyFile.ReadOrCreate(options.SigningKeyFile!);
        try
        {
            TreeHeadSigner signer = TreeHeadSigner.FromSeed(seed);
            string pem = signer.PublicKey.ToPem();
            if (!File.Exists(options.PublicKeyFile) || File.ReadAllText(options.PublicKeyFile!) != pem)
            {
                File.WriteAllText(options.PublicKeyFile!, pem); // public: what an offline verifier is given
            }

            if (created)
            {
                TreeHeadFile.Create(options.HeadsFile!);
                logger.LogWarning("A new audit signing key {KeyId} was made in {KeyFile}; its public key is {PublicKeyFile}. Keep the key file apart from the database.",
                    signer.PublicKey.KeyId, options.SigningKeyFile, options.PublicKeyFile);
            }

            return (signer, created);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }
}

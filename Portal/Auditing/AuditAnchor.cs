using MedCrypt.Domain.Auditing;
using MedCrypt.Portal.KeyEncryption;

namespace MedCrypt.Portal.Auditing;

/// <summary>
/// The audit log anchored outside the database: signs tree heads with the key in the signing key file (made from the
/// CSPRNG at the first start, owner-only, like the KEK file), exports its public key, publishes heads to the heads
/// file when the log grew and only when the log still extends the last published head, and verifies the log
/// against the published heads. A refusal is logged as critical and kept for /health and verification.
/// </summary>
public sealed class AuditAnchor(AuditAnchorOptions options, IAuditStore store, TimeProvider clock, ILogger<AuditAnchor> logger) : IAuditAnchor, IDisposable
{
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly Lazy<TreeHeadSigner> _signer = new(() => OpenSigner(options, logger));

    public AuditAnchorOptions Options => options;

    /// <summary>Why the last publication was refused (the log no longer matches the published heads); null while all is well.</summary>
    public string? Refusal { get; private set; }

    /// <summary>Why the last attempt failed for another reason than a refusal (the database was away, the file could not be written); null after a publication.</summary>
    public string? Failure { get; private set; }

    public TreeHeadKey PublicKey => _signer.Value.PublicKey;

    /// <summary>Publishes a head if the log grew since the last one; returns it, or null when nothing was published.</summary>
    public async Task<SignedTreeHead?> PublishAsync(CancellationToken cancellationToken)
    {
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            _ = _signer.Value; // a new signing key comes with an empty heads file
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

            long size = (await store.LastAsync(cancellationToken))?.Sequence ?? 0;
            if (last is not null && size == last.TreeSize)
            {
                return null;
            }

            TreeHeadIssue issue = await TreeHeadIssuer.NextAsync(store.ReadAllAsync(cancellationToken), size, last, _signer.Value, clock.GetUtcNow(), cancellationToken);
            if (issue.Head is not { } head)
            {
                return Refuse(issue.Refusal!);
            }

            TreeHeadFile.Append(options.HeadsFile!, head);
            Refusal = null;
            Failure = null;
            logger.LogInformation("Published the audit log's tree head at {TreeSize} entries to {HeadsFile}.", head.TreeSize, options.HeadsFile);
            return head;
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
        TreeHeadKey key = PublicKey; // a new signing key comes with an empty heads file
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
        if (_signer.IsValueCreated)
        {
            _signer.Value.Dispose();
        }

        _publishing.Dispose();
    }

    private SignedTreeHead? Refuse(string reason)
    {
        Refusal = reason;
        logger.LogCritical("The audit log's tree head was NOT published: {Reason}. Someone may have rewritten the audit log in the database; verify it offline against the heads file.", reason);
        return null;
    }

    private static TreeHeadSigner OpenSigner(AuditAnchorOptions options, ILogger logger)
    {
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

            return signer;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
        }
    }
}

using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Storage;

/// <summary>Where cases live and how their personal fields are encrypted (the service's and the CLI's one way to open them).</summary>
/// <param name="Database">sqlite (default, <c>{DataPath}/cases.db</c>) or postgresql.</param>
/// <param name="EncryptionKey">Base64 of 32 bytes; when empty, <c>{DataPath}/cases.key</c> is used (created on first start).</param>
public sealed record CaseStorageSettings(string DataPath, string Database = "sqlite", string? ConnectionString = null, string? EncryptionKey = null)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    public string KeyPath => Path.Combine(DataPath, "cases.key");
    public string SqlitePath => Path.Combine(DataPath, "cases.db");

    /// <summary>The store as messages name it.</summary>
    public string Location => Database == Postgres ? "the PostgreSQL case database (Cases:ConnectionString)" : SqlitePath;

    public string KeySource => string.IsNullOrWhiteSpace(EncryptionKey) ? KeyPath : "Cases:EncryptionKey";
}

/// <summary>An opened case store with the database and protector behind it.</summary>
/// <param name="KeyCreated">A new key file was written: the operator should back it up (or configure a key).</param>
public sealed record CaseStorage(SqlCaseStore Store, CaseDatabase Database, IFieldProtector Protector, bool KeyCreated) : IAsyncDisposable
{
    public const string MarkerName = "cases";

    /// <summary>
    /// Opens the case store, refusing to start on anything that would lose or expose data: a key file is never
    /// created while encrypted data exists (or existed here), a key that cannot read the data is refused, and an
    /// emptied or swapped database is recognised by the id this data folder recorded (<see cref="StoreMarker"/>).
    /// </summary>
    /// <exception cref="StoreIntegrityException">The store is unsafe to open; the message names the file or setting.</exception>
    public static async Task<CaseStorage> OpenAsync(CaseStorageSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var marker = new StoreMarker(settings.DataPath);
        var expectedId = marker.Get(MarkerName);
        CaseDatabase db = settings.Database switch
        {
            CaseStorageSettings.Postgres => new PostgresCaseDatabase(settings.ConnectionString
                ?? throw new ArgumentException("a PostgreSQL case database needs a connection string", nameof(settings))),
            _ => new SqliteCaseDatabase(settings.SqlitePath),
        };
        try
        {
            var (protector, created) = await LoadKeyAsync(settings, db, expectedId, time, cancellationToken).ConfigureAwait(false);
            var store = await SqlCaseStore.OpenAsync(db, protector, time, cancellationToken).ConfigureAwait(false);
            var id = await store.VerifyIdentityAsync(expectedId, settings.Location, settings.KeySource, cancellationToken).ConfigureAwait(false);
            marker.Set(MarkerName, id);
            return new CaseStorage(store, db, protector, created);
        }
        catch (System.Data.Common.DbException ex) when (settings.Database != CaseStorageSettings.Postgres)
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw new StoreIntegrityException("case store", $"{settings.SqlitePath} is not a readable database ({ex.Message}); restore it from backup");
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<(IFieldProtector Protector, bool Created)> LoadKeyAsync(CaseStorageSettings settings, CaseDatabase db, string? expectedId,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(settings.EncryptionKey)) return (AesGcmFieldProtector.FromBase64(settings.EncryptionKey), false);
        if (File.Exists(settings.KeyPath))
        {
            try
            {
                return (new AesGcmFieldProtector((await KeyFile.LoadOrCreateAsync(settings.KeyPath, cancellationToken).ConfigureAwait(false)).Key), false);
            }
            catch (InvalidDataException ex)
            {
                throw new StoreIntegrityException("case store", ex.Message);
            }
        }
        // No key: a new one is made only for a store that never held encrypted data.
        var missing = $"{settings.KeyPath} is missing, but {settings.Location} holds cases encrypted with it; restore the key file from backup " +
            "(a new key could not read them, so none is created)";
        if (expectedId is not null) throw new StoreIntegrityException("case store", missing);
        var probe = await SqlCaseStore.OpenAsync(db, new AesGcmFieldProtector(new byte[AesGcmFieldProtector.KeySize]), time, cancellationToken).ConfigureAwait(false);
        if (await probe.HoldsDataAsync(cancellationToken).ConfigureAwait(false)) throw new StoreIntegrityException("case store", missing);
        return (new AesGcmFieldProtector(await KeyFile.CreateAsync(settings.KeyPath, cancellationToken).ConfigureAwait(false)), true);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Storage;

/// <summary>Where cases live and how their personal fields are encrypted (the service's and the CLI's one way to open them).</summary>
/// <param name="Database">sqlite (default, <c>{DataPath}/cases.db</c>) or postgresql.</param>
/// <param name="EncryptionKey">Base64 of 32 bytes; when empty, <c>{DataPath}/cases.key</c> is used (created on first start).</param>
public sealed record CaseStorageSettings(string DataPath, string Database = "sqlite", string? ConnectionString = null, string? EncryptionKey = null)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";
}

/// <summary>An opened case store with the database and protector behind it.</summary>
/// <param name="KeyCreated">A new key file was written: the operator should back it up (or configure a key).</param>
public sealed record CaseStorage(SqlCaseStore Store, CaseDatabase Database, IFieldProtector Protector, bool KeyCreated) : IAsyncDisposable
{
    public static async Task<CaseStorage> OpenAsync(CaseStorageSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        IFieldProtector protector;
        var created = false;
        if (!string.IsNullOrWhiteSpace(settings.EncryptionKey)) protector = AesGcmFieldProtector.FromBase64(settings.EncryptionKey);
        else
        {
            var (key, isNew) = await KeyFile.LoadOrCreateAsync(Path.Combine(settings.DataPath, "cases.key"), cancellationToken).ConfigureAwait(false);
            protector = new AesGcmFieldProtector(key);
            created = isNew;
        }
        CaseDatabase db = settings.Database switch
        {
            CaseStorageSettings.Postgres => new PostgresCaseDatabase(settings.ConnectionString
                ?? throw new ArgumentException("a PostgreSQL case database needs a connection string", nameof(settings))),
            _ => new SqliteCaseDatabase(Path.Combine(settings.DataPath, "cases.db")),
        };
        try
        {
            var store = await SqlCaseStore.OpenAsync(db, protector, time, cancellationToken).ConfigureAwait(false);
            return new CaseStorage(store, db, protector, created);
        }
        catch
        {
            await db.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
